"""The session's scenario: one plain mapping (what a scenario YAML holds), shared by every page.

Pages edit the mapping through widgets (`ui.forms`), the sidebar loads, saves and shares it,
and `analysis()` validates, resolves and evaluates it, cached by its content. Uploaded profiles
live beside it by name, so a scenario refers to them exactly as it refers to a file.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from datafiles import InputError, parse_as
from evals.records import EvalSummary
from pricing.gpus import GpuType
from profiling.schema import Profile
from reports.exports import as_xlsx
from scenario_io import codec, resolve_scenario
from scenario_io.partial import without_bad_options
from scenario_io.references import References
from scenario_io.shape import check_shape
from tco import RiskReport, ScenarioInputs, ScenarioResult, evaluate, risk_report
from tco.capacity.throughput_view import ProfileView
from tco.capacity.throughput_view import profile_view as tco_profile_view
from tco.cost.option_models import OptionSetup, setup_options
from tco.decision.what_if import DeclineCase, api_decline_cases
from tco.portfolio.mix import best_mix
from tco.portfolio.robustness import mix_monte_carlo, mix_tornado
from tco.records.mix import MixCase, MixDraws, MixResult
from tco.records.scenario import RequestClass, Scenario, Slo
from ui import as_opened, loaders, pair_choice
from ui.tables import escape_markdown

LOG = logging.getLogger(__name__)
SCENARIO = "scenario"
SOURCE = "scenario_source"
PROFILES = "uploaded_profiles"
EVALS = "uploaded_evals"
LOAD_ERROR = "scenario_load_error"
AS_OPENED = "scenario_workload_as_opened"
"""The workload of the scenario as opened (example, link or file): its description was written for that one."""
FORM_PREFIX = "f."
"""Every form widget's key starts with this, so loading a scenario can reset them all at once."""

BUNDLED_FILES = {"../pricing/data/api_overrides.yaml": loaders.ROOT / "pricing" / "data" / "api_overrides.yaml"}
"""Files a scenario in the app may name besides profiles and this session's uploads, by the name bundled
scenarios give them (in-app price edits go in `overrides`)."""


def ensure_loaded() -> None:
    """First run of a session: the scenario from the link's `s` parameter (with its `pair`), else the bundled example
    (with the link's `pair` where it has no `s`). Every later run: a compared pair naming an option the scenario no
    longer has (deleted or renamed) is forgotten, so no page speaks of it and the link drops it."""
    if SCENARIO in st.session_state:
        pair_choice.forget_if_missing(set(option_ids(data())))
        return
    st.session_state[PROFILES] = {}
    st.session_state[EVALS] = {}
    pair = pair_choice.pair_from_link(st.query_params.get("pair"))
    token = st.query_params.get("s")
    if token:
        try:
            mapping = codec.from_url_token(token)
            check_shape(mapping, "shared link")
            load(mapping, "shared link", pair)
            return
        except InputError as err:
            st.session_state[LOAD_ERROR] = f"The shared link could not be opened ({err}); showing the example instead."
            pair = None  # the pair of the scenario that could not be opened
    load(default_scenario(), f"example: {loaders.DEFAULT_SCENARIO}", pair)


def load(data: dict[str, Any], source: str, pair: tuple[str, str] | None = None) -> None:
    """Replace the scenario; every form widget re-reads its value from the new one, and the compared pair is `pair`
    (a link's) or the new scenario's default: a pair kept from the scenario before named options the new one lacks,
    and Break-even and Risk said "Compare's pair, gemini-3.1-pro and glm5-b200, are both APIs" on an example with
    no glm5-b200 (a reviewer)."""
    st.session_state[SCENARIO] = copy.deepcopy(data)
    st.session_state[AS_OPENED] = copy.deepcopy(data.get("workload"))
    st.session_state[SOURCE] = source
    pair_choice.choose_pair(pair)
    pair_choice.forget_if_missing(set(option_ids(data)))
    reset_form()


def option_ids(mapping: dict[str, Any]) -> tuple[str, ...]:
    """A scenario mapping's option ids, in order: what the compared pair is checked against, and what a confirmation
    of an added option is shown against (it stays until they change)."""
    return tuple(str(o.get("id")) for o in mapping.get("options") or [] if isinstance(o, dict))


def workload_edited() -> bool:
    """Whether the workload differs from the scenario's as opened (then its description may quote old figures). The
    same demand in tokens instead of requests a month is no edit (a reviewer switched the volume's unit, changed
    nothing, and read "it has been edited since"): `same_demand`."""
    return not as_opened.same_demand(data().get("workload") or {}, st.session_state.get(AS_OPENED) or {})


class PageEnd(Exception):
    """Raised by a page with nothing more to show, where `st.stop()` was: that ended the session's whole script run
    before the shared sidebar and the address bar's link were drawn (the Usage page emptied the sidebar and dropped
    `?s=`). `app_session.py` catches it and goes on with the sidebar."""


def reset_form(prefix: str = FORM_PREFIX) -> None:
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        del st.session_state[key]


def data() -> dict[str, Any]:
    """The live mapping: pages write their widgets' values into it."""
    return st.session_state[SCENARIO]


def uploaded_profiles() -> dict[str, Profile]:
    return st.session_state.setdefault(PROFILES, {})


def add_profile(name: str, profile: Profile) -> None:
    uploaded_profiles()[name] = profile


def uploaded_evals() -> dict[str, tuple[EvalSummary, ...]]:
    """Eval results imported in this session, by upload name: what an option's `eval: {file: …}` may name."""
    return st.session_state.setdefault(EVALS, {})


def add_eval(name: str, rows: list[EvalSummary]) -> None:
    uploaded_evals()[name] = tuple(rows)


def sync_url() -> None:
    """Keep the address bar a shareable link to the scenario as it is now."""
    try:
        token = codec.to_url_token(data())
    except InputError as err:
        st.warning(f"The address bar keeps the last link: {shown(err)}", icon=":material/link_off:")
        return
    if st.query_params.get("s") != token:
        st.query_params["s"] = token
    pair = pair_choice.chosen_pair()
    if pair is not None and st.query_params.get("pair") != ",".join(pair):
        st.query_params["pair"] = ",".join(pair)
    elif pair is None and "pair" in st.query_params:
        del st.query_params["pair"]


@dataclass(frozen=True)
class Analysis:
    key: str
    """Content hash of everything the result depends on; caches of derived results use it."""
    scenario: Scenario
    inputs: ScenarioInputs
    result: ScenarioResult
    setups: list[OptionSetup]
    mix: MixResult | None = None
    """The best mix, when the scenario's `portfolio.enabled` (tco.portfolio)."""
    mix_error: str | None = None


def _uploads_key() -> tuple[tuple[str, str], ...]:
    """Each upload by name and content hash: a result cached for one session's files is never served for
    another session's different files of the same name."""
    uploads = [*sorted(uploaded_profiles().items()), *sorted(uploaded_evals().items())]
    return tuple((name, hashlib.sha256(repr(item).encode()).hexdigest()[:16]) for name, item in uploads)


def references() -> References:
    """What a scenario in the app may name: bundled files and this session's uploads, nothing else."""
    return References.allow_list(BUNDLED_FILES, all_profiles(), uploaded_evals())


def _content_key() -> str:
    return content_key(data(), _uploads_key())


def content_key(mapping: dict[str, Any], uploads_key: tuple[tuple[str, str], ...]) -> str:
    """Everything a result depends on: the scenario, the uploaded files, the price data and the date."""
    parts = [
        json.dumps(mapping, sort_keys=True, default=str),
        repr(uploads_key),
        loaders.catalogues().prices.version,
        dt.date.today().isoformat(),
    ]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _compute(data: dict, refs: References) -> Analysis:
    name = "scenario"
    scenario = parse_as(Scenario, data, name)
    inputs = resolve_scenario(scenario, name, loaders.catalogues(), refs=refs, today=dt.date.today())
    setups = setup_options(inputs)
    result = evaluate(inputs, setups)
    mix, mix_error = None, None
    if scenario.portfolio.enabled:
        try:
            mix = best_mix(inputs, result)
        except ValueError as err:
            mix_error = str(err)
    return Analysis("", scenario, inputs, result, setups, mix, mix_error)


@st.cache_resource(max_entries=64, show_spinner="Computing…")
def _analyse(key: str, _data: dict, _refs: References) -> Analysis:
    """Validate, resolve and evaluate; cached by content, so moving between pages is free. An option whose
    own fields are bad (or whose profile is not uploaded) is set aside into the result's `option_errors`,
    shown in its own row, while the others compute."""
    current, set_aside = without_bad_options(_data, lambda d: _compute(d, _refs))
    result = dataclasses.replace(current.result, option_errors=[*set_aside, *current.result.option_errors])
    return dataclasses.replace(current, key=key, result=result)


def shown(err: Exception | str) -> str:
    """An error as the user sees it, ready for Streamlit's markdown: paths inside the app's own folder relative to it
    (no server paths), and the markup a bad value carries escaped (`tables.escape_markdown`): a share link's option
    id `![x](https://…)` is quoted in its error, and must not make the reader's browser fetch that address."""
    return escape_markdown(str(err).replace(f"{loaders.ROOT}/", "").replace(str(loaders.ROOT), "."))


def analysis(show_error: bool = True) -> Analysis | None:
    """The current scenario evaluated, or None after showing the error in place (the user's data is kept)."""
    try:
        return _analyse(_content_key(), data(), references())
    except InputError as err:
        if show_error:
            st.error(f"**This scenario cannot be computed yet.** {shown(err)}", icon=":material/error:")
        return None
    except Exception as exc:  # a bug, not bad input: say so in place, keep the user's scenario, log the trace
        LOG.exception("evaluating the scenario failed")
        if show_error:
            st.error(
                f"**Something went wrong computing this scenario** ({type(exc).__name__}: {exc}). Your inputs are "
                "kept: save the scenario from the sidebar and report it with that file.",
                icon=":material/bug_report:",
            )
        return None


@st.cache_resource(max_entries=16, show_spinner="Running the Monte Carlo…")
def _risk(key: str, pair: tuple[str, str] | None, _analysis: Analysis) -> RiskReport | None:
    return risk_report(_analysis.inputs, _analysis.result, pair=pair, setups=_analysis.setups)


def risk(current: Analysis, pair: tuple[str, str] | None = None) -> RiskReport | None:
    """The Monte Carlo and tornado for a (self-hosted, API) pair; the headline pair when none is given."""
    return _risk(current.key, pair, current)


@st.cache_resource(max_entries=4, show_spinner=False)
def workbook(key: str, pair: tuple[str, str] | None, _analysis: Analysis) -> bytes:
    """The Excel workbook (`reports.exports.as_xlsx`) with the risk of `pair` (`tco.risk.report.risk_pair`: the pair
    compared on Compare, as the Risk page opens on), for a download button that
    builds it when clicked. The click runs it on the server's event loop, outside any session's script: as a cached
    function without a spinner, the risk cache it calls is nested and draws none (a spinner with no page to go to
    logged "Thread 'uvloop_0': missing ScriptRunContext"; the same rule as `warm_up`)."""
    return as_xlsx(_analysis.result, risk(_analysis, pair), _analysis.mix, pair[1] if pair else None)


@st.cache_resource(max_entries=8, show_spinner="Solving the mix again at each end of each input's range…")
def _mix_cases(key: str, _analysis: Analysis) -> list[MixCase]:
    return mix_tornado(_analysis.inputs, _analysis.result)


def mix_cases(current: Analysis) -> list[MixCase]:
    """The best mix and the best single option at each end of each input's range (tco.portfolio.robustness)."""
    return _mix_cases(current.key, current)


@st.cache_resource(max_entries=8, show_spinner="Drawing every input together and solving the mix in each draw…")
def _mix_draws(key: str, _analysis: Analysis) -> MixDraws:
    return mix_monte_carlo(_analysis.inputs, _analysis.result)


def mix_draws(current: Analysis) -> MixDraws:
    """The mix under the Monte Carlo (tco.portfolio.robustness.mix_monte_carlo, MIX_DRAWS draws)."""
    return _mix_draws(current.key, current)


@st.cache_resource(max_entries=16, show_spinner="Re-running the pair under API price cuts…")
def _decline_cases(key: str, self_hosted: str, api: str, _analysis: Analysis) -> list[DeclineCase]:
    return api_decline_cases(_analysis.inputs, self_hosted, api, setups=_analysis.setups)


def decline_cases(current: Analysis, self_hosted: str, api: str) -> list[DeclineCase]:
    return _decline_cases(current.key, self_hosted, api, current)


def all_profiles() -> dict[str, Profile]:
    """Profiles an option can name: bundled ones by path (as scenarios give them), uploads by name."""
    return {**loaders.bundled_profiles(), **uploaded_profiles()}


def profile_label(ref: str, profile: Profile) -> str:
    where = "uploaded" if ref in uploaded_profiles() else "bundled"
    return f"{Path(ref).stem} ({where}, {profile.meta.source}, {profile.meta.replica_words})"


def profile_view(current: Analysis, ref: str) -> ProfileView:
    """A profile against the scenario's SLO, for the workload's largest request class. The GPU is the profile's,
    or, where the profile does not name one the sheet knows, that of the option using the profile; the replica holds
    the scenario's longest request, as Compare sizes it. Cached by what it depends on (the profile and this session's
    uploads, the SLO, the class, the GPU, that length): a rerun after a volume edit does not refit it."""
    profile = all_profiles()[ref]
    cat = loaders.catalogues()
    cls = max(current.scenario.workload.request_classes, key=lambda c: c.share)
    users = [o.gpu for o in current.scenario.options if getattr(o, "profile", None) == ref and o.gpu]
    wanted = [profile.meta.gpu.lower(), *(g.lower() for g in users)]
    gpu = next((g for w in wanted for g in cat.gpus.gpus if g.id.lower() == w), None)
    slo = current.scenario.slo
    context = max(c.input_tokens + c.output_tokens for c in current.scenario.workload.request_classes)
    key = f"{ref}|{_uploads_key()}|{slo!r}|{cls!r}|{gpu.id if gpu else ''}|{context}"
    return _profile_view(key, profile, slo, cls, gpu, context)


@st.cache_resource(max_entries=16, show_spinner=False)
def _profile_view(
    key: str, _profile: Profile, _slo: Slo, _cls: RequestClass, _gpu: GpuType | None, _context_tokens: float
) -> ProfileView:
    card = loaders.catalogues().models.find(_profile.meta.model)
    return tco_profile_view(_profile, _slo, _cls, card, _gpu, _context_tokens)


PAGE_MODULES = ("ui.charts", "ui.report", "ui.sidebar", "ui.options_form", "ui.workload_form", "ui.slo_form",
                "ui.tables", "reports.exports", "streamlit.elements.plotly_chart")  # fmt: skip
"""What the pages import: imported once at server start, before any session can import them too."""


def import_page_modules() -> None:
    """Import PAGE_MODULES in the calling thread (app.py's start-up thread, holding `startup_gate.IMPORTS`, which
    sessions wait for). Two threads importing
    the engine's packages in different orders can each hold a module the other waits for, and Python then hands
    one of them a partially initialised module ("cannot import name 'decide'"); one import at start rules it out."""
    import importlib

    for module in PAGE_MODULES:
        importlib.import_module(module)


@st.cache_resource(show_spinner=False)
def warm_up() -> None:
    """At server start (app.py, in a thread, after `import_page_modules`): fill the catalogue caches and evaluate
    the default example, so the first session's verdict is a cache hit instead of ~2 s of catalogues and fits.

    Itself a cached function without a spinner, so the caches it fills are nested in it: Streamlit draws a cache's
    spinner only for the outermost cached call (streamlit#9956), and without a session a spinner has nowhere to
    go; each one logged "Thread 'warm-up': missing ScriptRunContext". Nothing is hidden: a warm-up thread that
    touched a real element would still warn. Run once per server; the caches it fills are the sessions' own.

    Not here: every API model priced for the Options tab's search (~1 s, `options_form.api_choices`). It is drawn
    only when its expander opens; warmed here it took the CPU the browser needs to draw the first screen (2 cores:
    the screen was complete 1.7 s after the session's script had finished)."""
    import_page_modules()
    mapping = default_scenario()
    refs = References.allow_list(BUNDLED_FILES, loaders.bundled_profiles(), {})
    _analyse(content_key(mapping, ()), mapping, refs)


def default_scenario() -> dict[str, Any]:
    """The example a new session opens on (and the warm-up evaluates)."""
    path = loaders.bundled_scenarios()[loaders.DEFAULT_SCENARIO]
    return codec.from_yaml(path.read_text(encoding="utf-8"), path.name)
