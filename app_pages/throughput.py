"""Throughput: upload or import profiles, see latency against load, the level the SLO picks and why.

The profile shown is remembered under SELECTED, a plain session key: Streamlit drops a widget's own state when its
page is not drawn, so the select box's key alone forgot the choice after a visit to another page.

Uploads are a form without `clear_on_submit`: that option emptied the boxes on every press, so a refused file (a
missing GPU count, a bad line) cost the user what they had typed (a reviewer). A refusal changes nothing on screen
but the message: the files stay chosen and the boxes filled. Only an added profile empties them, by one rerun
(ADDED): the uploader's key changes (Streamlit has no other way to empty one) and the boxes are set back before
they are drawn. A form, not loose widgets: typing in a box then reruns nothing, and a file chosen while a rerun
was under way was dropped.
"""

from collections.abc import Sequence
from typing import Any

import streamlit as st

from datafiles import InputError
from pricing.gpus import GpuType
from profiling.metadata import short_gpu_name
from profiling.schema import recorded
from tco.capacity.view_words import far_shape_note
from ui import charts, loaders, options_form, pair_choice, slo_form, state, tables
from ui.amounts import parse_usd

SELECTED = "tp.selected"
"""The reference of the profile shown (not a widget key: it survives other pages)."""
UPLOADS = "tp.uploads"
"""How many profiles this session has added: the uploader's key ends with it, so each addition empties it."""
ADDED = "tp.added"
"""The message of the profile just added, shown by the rerun that empties the uploader and the boxes."""
BOXES = {"tp.meta.model": "", "tp.meta.gpu": "", "tp.meta.gpus": None, "tp.meta.engine": "", "tp.meta.precision": None}
"""The boxes for what an imported file does not record, with their empty values."""
PRECISIONS = ("bf16", "fp8", "fp4")
"""The weights' precisions the upload box offers (the memory fit's `BYTES_PER_PARAM` reads others from a file)."""
USED = "tp.used"
"""The confirmation of the option last added from this page and the option ids then: shown until they change."""


def sheet_gpu(gpu: str, gpus: Sequence[GpuType]) -> str | None:
    """The GPU sheet's id for a profile's recorded GPU: the id in any case, the sheet's full name, or the name
    nvidia-smi gives ('NVIDIA H100 80GB HBM3' -> H100, by `profiling.metadata.short_gpu_name`, as the profiler
    names it); None when none is recorded or the sheet does not price it."""
    if not recorded(gpu):
        return None
    text = gpu.strip()
    wanted = {text.lower(), short_gpu_name(text.upper()).lower()}
    return next((g.id for g in gpus if g.id.lower() in wanted or g.name.lower() == text.lower()), None)


def profile_term_index(options: Sequence[Any], ref: str, gpu: GpuType | None) -> int:
    """Where the "Pricing" box opens for profile `ref`: as the scenario's first option on that profile is priced
    (owned servers: Buy), else on demand (the first); where the preselected `gpu` has no price at that term, the
    first term the GPU sheet has for it (MI355X: 3-year reserved; on demand was added and then left out of every
    result, a reviewer)."""
    user = next((o for o in options if getattr(o, "profile", None) == ref), None)
    term = "owned" if getattr(user, "ownership", None) is not None else getattr(user, "term", None)
    terms = list(options_form.TERMS.values())
    wanted = term if term in terms else terms[0]
    if gpu is not None and wanted not in gpu.terms() and gpu.terms():
        wanted = gpu.terms()[0]
    return terms.index(wanted)


def add_files(files: list[tuple[str, bytes]], meta: dict[str, Any]) -> None:
    """Files chosen together become one profile (several files: levels of one sweep), shown at once. A refusal is
    said in place and leaves the files chosen and the boxes filled; an addition reruns the page emptied (ADDED)."""
    what = f"{files[0][0]} was" if len(files) == 1 else f"{len(files)} files were"
    try:
        name, profile = loaders.profile_from_uploads(files, meta)
    except loaders.NeedsBoxes as err:
        st.error(f"{what} not added: {err}, then press Add profile again.", icon=":material/error:")
        return
    except InputError as err:
        st.error(state.shown(f"{what} not added: {err}"), icon=":material/error:")
        return
    state.add_profile(name, profile)
    st.session_state[SELECTED] = name
    st.session_state["tp.profile"] = state.profile_label(name, profile)
    m = profile.meta
    merged = ", one profile" if len(files) > 1 else ""  # the name says how many files: "qwen32b (4 files)"
    levels = f"{len(profile.levels)} level{'s' if len(profile.levels) != 1 else ''}"
    engine = f" ({m.engine})" if recorded(m.engine) else " (engine not recorded)"
    st.session_state[ADDED] = f"Added {name}{merged}: {m.model} on {m.replica_words}{engine}, {levels}, {m.source}."
    st.session_state[UPLOADS] = st.session_state.get(UPLOADS, 0) + 1
    st.rerun()


st.title("Throughput")
st.caption(
    "Profiles from `inference-roi profile` (YAML or CSV), or result files of vLLM bench serve (one file per run, "
    "or `--append-result` JSON Lines), SGLang bench_serving, InferenceX, llm-d benchmark reports, guidellm or "
    "AIPerf (JSON/JSONL/YAML), converted on upload. Files chosen together are levels of one sweep: one profile. "
    "Uploads stay in this browser session."
)

added = st.session_state.pop(ADDED, None)
if added:  # the rerun after an addition: the boxes emptied before they are drawn (Streamlit refuses it after)
    st.session_state.update(BOXES)
# a form, so typing in a box or choosing a file reruns nothing (a file chosen during a rerun was dropped); never
# `clear_on_submit`, which emptied the boxes on a refusal too
with st.form("tp.upload_form", enter_to_submit=False):
    uploads = st.file_uploader(
        "Profile or benchmark result",
        type=["yaml", "yml", "csv", "json", "jsonl"],
        accept_multiple_files=True,
        key=f"tp.upload.{st.session_state.get(UPLOADS, 0)}",
        help=f"At most {loaders.MAX_UPLOAD_BYTES // 1024} KiB a file. Several files of one deployment (e.g. one "
        "vLLM result per concurrency) make one profile.",
    )
    st.caption("Only for imported result files that do not record them:")
    cols = st.columns(5)
    meta = {
        "model": cols[0].text_input("Model id", key="tp.meta.model") or None,
        "gpu": cols[1].text_input("GPU", key="tp.meta.gpu") or None,
        "gpu_count": cols[2].number_input(
            "GPUs", value=None, min_value=1, max_value=1024, step=1, placeholder="from the file", key="tp.meta.gpus"
        ),
        "engine": cols[3].text_input("Engine", key="tp.meta.engine") or None,
        # the weights' precision sets the memory fit (70B: 70.6 GB at fp8, 141 GB at bf16); a file without it was
        # taken at the GPU's fastest, unsaid (a reviewer)
        "precision": cols[4].selectbox(
            "Precision", PRECISIONS, index=None, placeholder="from the file", key="tp.meta.precision"
        ),
    }
    submitted = st.form_submit_button("Add profile")
if submitted and uploads:
    add_files([(u.name, u.getvalue()) for u in uploads], meta)
elif submitted:
    st.warning(
        f"Choose a file first (at most {loaders.MAX_UPLOAD_BYTES // 1024} KiB: the uploader refuses a larger one)."
    )
if added:
    st.success(added)

analysis = state.analysis()
if analysis is None:
    raise state.PageEnd
profiles = state.all_profiles()
labels = {ref: state.profile_label(ref, p) for ref, p in profiles.items()}
by_label = {label: ref for ref, label in labels.items()}
# opens on the profile of the self-hosted option Compare compares (the pick's, most often), then the others' in
# order: owned-fleet-finance opened on qwen3's profile beside a llama70b pick (a reviewer)
compared = pair_choice.compared_ids(analysis.result)
options = sorted(analysis.scenario.options, key=lambda o: compared is None or o.id != compared[0])
used = [ref for o in options if (ref := getattr(o, "profile", None)) in profiles]
if st.session_state.get(SELECTED) not in profiles:
    st.session_state[SELECTED] = (used or list(profiles))[0]
if st.session_state.get("tp.profile") not in by_label:  # the select box was not drawn last run (another page)
    st.session_state["tp.profile"] = labels[st.session_state[SELECTED]]
ref = by_label[st.selectbox("Profile", list(by_label), key="tp.profile")]
st.session_state[SELECTED] = ref
profile = profiles[ref]
view = state.profile_view(analysis, ref)
cls = max(analysis.scenario.workload.request_classes, key=lambda c: c.share)
m = profile.meta
st.markdown(
    f"**{m.model}** on {m.replica_words}, {m.engine}{' ' + m.engine_version if m.engine_version else ''}"
    f" — source: **{m.source}**" + (f" ({tables.escape_markdown(m.citation)})" if m.citation else "")
)
far = far_shape_note(profile, cls)
if far:
    st.warning(far, icon=":material/warning:")
if m.source != "measured":
    st.info(f"These figures are {m.source}, not measured by you: replace them with your own profile when you can.")
st.markdown(f"SLO: {slo_form.summary(analysis.scenario.slo)}. {view.chosen}")
if any(m == "itl_s" for m, _, _ in analysis.scenario.slo.bounds()):
    st.caption(slo_form.ITL_WORDS)
if view.error_story:
    st.caption(view.error_story)
for note in view.notes:
    st.caption(note)
if any(r.implausible for r in view.rows):
    st.warning(
        "Some levels report more requests/s than the GPUs' compute and memory bandwidth allow for this model "
        "(the physical ceiling): check the GPU type and count, and the measurement."
    )
if view.model is not None:
    fitted = view.model
    used = sum(r.in_fit for r in view.rows)
    total = len(profile.levels)
    which = ("its one level" if total == 1 else f"all {used} levels") if used == total else f"{used} of {total} levels"
    shapes = f"{len(fitted.shapes)} shape{'s' if len(fitted.shapes) != 1 else ''}"
    error = "" if view.error_story else f": expected error ±{(fitted.expected_error or 0):.0%} ({fitted.error_basis})"
    drawn = (
        "Lines are its prediction at the workload's shape; markers are the measured levels at their own shapes."
        if fitted.interactive
        else "The profile has no latency metrics (offline figures), so there is no latency chart to draw; its "
        "levels are in the table below."
    )
    st.caption(f"Performance model fitted to {which} ({shapes}){error}. {drawn}")
if view.memory_text:
    st.caption(f"Memory fit: {view.memory_text}")
elif loaders.catalogues().models.find(m.model) is None:  # said, not skipped in silence: the error is then narrower
    st.caption(
        f"No memory fit, physical ceiling or hardware estimate: the model {tables.escape_markdown(m.model)!r} is not "
        "in the model catalogue, whose ids are the weights' names in lower case (qwen3-32b, glm-5): add the file "
        "again with the catalogue's id in Model id (for a fine-tune, its base model's: the architecture is the "
        "same). With one load level and no architecture, the model cannot tell how throughput changes with load."
    )
bounds = {f"{metric.removesuffix('_s').upper()} {pct}": bound for metric, pct, bound in analysis.scenario.slo.bounds()}
latency = charts.latency_curves(view, bounds, "Latency vs load", f"{cls.input_tokens:,.0f}/{cls.output_tokens:,.0f}")
per_user = charts.pareto(view, "Throughput per GPU vs speed per user")
if latency.data or per_user.data:  # offline figures have neither: the caption above says so, no empty boxes
    left, right = st.columns(2)
    with left:
        charts.show(latency, "latency-vs-load")
    with right:
        charts.show(per_user, "throughput-pareto")
levels = tables.frame(view.rows)
levels["index"] += 1  # load levels counted from 1, as in the text above
whole = ["input_tokens", "output_tokens", "output_tokens_per_s_per_gpu", "roofline_output_tokens_per_s_per_gpu"]
levels[whole] = levels[whole].round()  # whole tokens with separators, "2,000" and "36,137"
for tab, columns in zip(st.tabs(list(tables.LEVEL_TABLES)), tables.LEVEL_TABLES.values(), strict=True):
    with tab:
        kept = [c for c in columns if c == "index" or levels[c].notna().any()]
        tables.show_table(
            levels[kept],
            {c: tables.LEVEL_COLUMNS[c] for c in kept},
            wrap="why_not" in kept,
            in_full="why_not" not in kept,  # its problems in full below
        )
        if "why_not" in kept:  # in full, where a cell shortens them
            problems = [
                f"- level {r.index}: {tables.escape_markdown(r.why_not)}" for r in levels.itertuples() if r.why_not
            ]
            if problems:
                st.caption("Each level's problems in full:\n" + "\n".join(problems))
if view.roofline is not None:
    estimate = view.roofline
    missed = next((n.partition(f"{cls.name!r}: ")[2] for n in estimate.notes if n.startswith("roofline: no")), "")
    text = (
        f"{estimate.req_per_s:.3g} req/s per replica"
        if estimate.req_per_s
        else "cannot meet the SLO" + (f" ({missed})" if missed else "")
    )
    st.caption(
        f"For comparison, what an option without this profile would get: the calibrated roofline estimate at this "
        f"SLO for the workload's shape, from the hardware alone (not a measurement; expected error "
        f"±{(estimate.expected_error or 0):.0%}): {text}. Options using this profile take the figure above."
    )

st.subheader("Use this profile in an option")
used = st.session_state.get(USED)  # said after the rerun that puts the option on the other pages
if used and used[1] == state.option_ids(state.data()):
    st.success(used[0], icon=":material/check_circle:")
cat = loaders.catalogues()
gpu_ids = [g.id for g in cat.gpus.gpus]
match = sheet_gpu(m.gpu, cat.gpus.gpus)
if not recorded(m.gpu):
    unmatched = "the profile does not record its GPU type"
else:
    unmatched = f"the profile's GPU, {m.gpu}, is not on the GPU price sheet ({', '.join(gpu_ids)})"
with st.form("tp.use"):
    cols = st.columns(3)
    gpu = cols[0].selectbox(
        "GPU price sheet entry",
        gpu_ids,
        index=gpu_ids.index(match) if match else None,
        placeholder="Choose the GPU it ran on",
        key=f"tp.use.gpu:{ref}",  # one per profile: each opens on its own GPU
        help=f"Preselected: the profile's own GPU ({m.gpu})." if match else f"Not preselected: {unmatched}.",
    )
    term = cols[1].selectbox(
        "Pricing",
        list(options_form.TERMS),
        index=profile_term_index(analysis.scenario.options, ref, cat.gpus.get(match) if match else None),
        key=f"tp.use.term:{ref}",  # as the scenario prices this profile's option: Buy in an owned fleet (a reviewer)
    )
    impl_text = cols[2].text_input(
        "One-time implementation (USD)", value="0", key="tp.use.impl", help="Paid once: 250,000, $250k or 0."
    )
    if st.form_submit_button("Add self-hosted option"):
        try:
            impl = parse_usd(impl_text)
        except ValueError as err:
            st.error(f"One-time implementation (USD): {err}. Nothing was added.", icon=":material/error:")
        else:
            if gpu is None:
                st.error(f"Choose the GPU price sheet entry first: {unmatched}.", icon=":material/error:")
            elif problem := options_form.term_problem(cat.gpus.get(gpu), options_form.TERMS[term]):
                st.error(f"{problem} Nothing was added.", icon=":material/error:")
            else:
                option_id = options_form.add_self_hosted_option(
                    state.data(), m.model, gpu, options_form.TERMS[term], ref, m.gpu_count, False, impl
                )
                st.session_state[USED] = (
                    f"Added option {option_id} ({m.model} on {gpu}, {term.lower()}); see Compare. Adding again "
                    "adds another option with its own id.",
                    state.option_ids(state.data()),
                )
                st.rerun()
