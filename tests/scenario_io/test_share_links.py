"""A scenario from a share link or an upload never names a server path (scenario_io.references).

The hostile link names a file holding a secret (or a FIFO, which would hang whoever opens it): the option is
set aside in its own row with one line that names the reference, the secret never appears anywhere on the page,
the other options still compute, and one session's uploads never resolve in another session.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from datafiles import InputError, parse_as
from evals.importers import import_eval
from scenario_io import codec, resolve_scenario
from scenario_io.references import References
from tco.records.scenario import Scenario
from tests.conftest import ROOT
from ui import state

SECRET = "TOP-SECRET-7f3a9"
EVAL_FIXTURE = ROOT / "tests" / "fixtures" / "evals" / "inspect_capitals_small-model.json"


def example() -> dict:
    return yaml.safe_load((ROOT / "scenarios" / "glm5-vs-frontier.yaml").read_text())


def app_refs(evals: dict | None = None) -> References:
    return References.allow_list(state.BUNDLED_FILES, {}, evals or {})


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "results.json"
    path.write_text('{"eval": {"model": "' + SECRET + '"}}')
    return path


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.json"
    os.mkfifo(path)
    return path


def hostile_refs(secret: Path, fifo: Path) -> list[str]:
    return [
        str(secret),
        "/etc/passwd",
        "/proc/self/environ",
        "../README.md",
        "../../../../etc/hostname",
        str(fifo),
        "~/.ssh/id_rsa",
        "evals/../../README.md",
        "results.json\nsecond line",
        "/dev/zero",
    ]


def test_an_untrusted_reference_is_refused_before_any_file_is_opened(secret_file, fifo, catalogues):
    for ref in hostile_refs(secret_file, fifo):
        refs = app_refs()
        for read in (refs.eval_rows, refs.profile, refs.overrides_path):
            with pytest.raises(InputError) as err:
                read(ref)
            message = str(err.value)
            assert "\n" not in message and SECRET not in message
            assert "neither a bundled" in message


def test_the_same_references_resolve_on_disk_for_a_scenario_the_user_opened(secret_file):
    """The command line trusts a scenario file its user named: paths are relative to it, as before."""
    rows = References.on_disk(secret_file.parent).eval_rows(str(EVAL_FIXTURE))
    assert rows == import_eval(str(EVAL_FIXTURE))


@pytest.mark.parametrize("field", ["eval", "profile", "api_overrides", "serving.profile"])
def test_every_file_field_of_a_linked_scenario_goes_through_the_allow_list(field, secret_file, catalogues):
    mapping = example()
    if field == "eval":
        mapping["options"][0]["eval"] = {"file": str(secret_file)}
        expected = "options[0].eval.file"
    elif field == "profile":
        mapping["options"][0]["profile"] = str(secret_file)
        expected = "options[0].profile"
    elif field == "serving.profile":
        distil = yaml.safe_load((ROOT / "scenarios" / "distil-a-student.yaml").read_text())
        index = next(i for i, o in enumerate(distil["options"]) if o["kind"] == "distilled")
        distil["options"][index]["serving"]["profile"] = str(secret_file)
        mapping, expected = distil, f"options[{index}].serving.profile"
    else:
        mapping["api_overrides"] = str(secret_file)
        expected = "api_overrides"
    scenario = parse_as(Scenario, mapping, "scenario")
    with pytest.raises(InputError) as err:
        resolve_scenario(scenario, "scenario", catalogues, refs=app_refs(), today=dt.date(2026, 12, 1))
    assert err.value.field == expected
    assert SECRET not in str(err.value) and "\n" not in str(err.value)


@settings(max_examples=60, deadline=None)
@given(ref=st.text(min_size=1, max_size=300))
def test_no_name_outside_the_allow_list_resolves(ref):
    refs = app_refs({"mine.json": ()})
    if ref in state.BUNDLED_FILES or ref == "mine.json":
        return
    with pytest.raises(InputError) as err:
        refs.eval_rows(ref)
    assert "\n" not in str(err.value) and len(str(err.value)) < 400


def open_app(token: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_session.py"), default_timeout=60)
    at.query_params["s"] = token
    at.switch_page("app_pages/compare.py")
    return at.run()


def page_text(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "warning", "error", "caption", "info", "success") for e in at.get(kind)]
    parts += [d.value.to_csv() for d in at.dataframe]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("which", ["secret", "fifo", "passwd", "environ", "readme"])
def test_a_link_naming_a_server_file_sets_the_option_aside_and_reads_nothing(which, secret_file, fifo):
    ref = {"secret": str(secret_file), "fifo": str(fifo), "passwd": "/etc/passwd",
           "environ": "/proc/self/environ", "readme": "../README.md"}[which]  # fmt: skip
    mapping = example()
    mapping["options"][0]["eval"] = {"file": ref}
    at = open_app(codec.to_url_token(mapping))
    assert not at.exception
    option_id = mapping["options"][0]["id"]
    assert any(option_id in w.value and "eval" in w.value for w in at.warning)
    text = page_text(at)
    assert SECRET not in text and "root:x:0" not in text and "PATH=" not in text
    assert "**Recommended" in text  # the other options still compute


def test_an_eval_uploaded_in_this_session_resolves_and_another_sessions_does_not():
    rows = import_eval(str(EVAL_FIXTURE))
    mapping = example()
    mapping["options"][0]["eval"] = {"file": "capitals.json"}
    token = codec.to_url_token(mapping)
    option_id = mapping["options"][0]["id"]

    owner = AppTest.from_file(str(ROOT / "app_session.py"), default_timeout=60)
    owner.query_params["s"] = token
    owner.switch_page("app_pages/compare.py")
    owner.run()
    owner.session_state[state.EVALS] = {"capitals.json": tuple(rows)}
    owner.run()
    assert not owner.exception
    assert not any(option_id in w.value and "eval" in w.value for w in owner.warning)

    stranger = open_app(token)  # a new session: the same name means nothing here
    assert any(option_id in w.value and "neither a bundled eval" in w.value for w in stranger.warning)


def test_the_allow_list_is_a_copy(secret_file):
    """Later uploads in the session do not mutate a References already handed to a cached computation."""
    evals: dict = {}
    refs = app_refs(evals)
    evals[str(secret_file)] = ()
    with pytest.raises(InputError):
        refs.eval_rows(str(secret_file))
    assert copy.deepcopy(refs.evals) == {}


MALFORMED = {
    "options-a-string": lambda m: m.update(options="x"),
    "options-a-mapping": lambda m: m.update(options={"id": "a"}),
    "options-of-numbers": lambda m: m.update(options=[1, 2]),
    "workload-a-string": lambda m: m.update(workload="lots"),
    "workload-a-list": lambda m: m.update(workload=[1]),
    "slo-a-number": lambda m: m.update(slo=3),
    "quality-a-list": lambda m: m.update(quality=["x"]),
    "finance-a-string": lambda m: m.update(finance="cheap"),
    "classes-a-string": lambda m: m["workload"].update(classes="all"),
    "overrides-a-string": lambda m: m.update(overrides="none"),
    "name-a-list": lambda m: m.update(name=["a"]),
    "horizon-a-string": lambda m: m.update(horizon_months="ten"),
    "volume-a-string": lambda m: m["workload"].update(requests_per_month="3M"),
    "volume-a-mapping": lambda m: m["workload"].update(requests_per_month={"a": 1}),
    "class-a-number": lambda m: m["workload"].update(classes=[1]),
    "gate-a-string": lambda m: m.update(quality={"min_score": "high"}),
    "option-gpus-a-string": lambda m: m["options"][0].update(gpus_per_replica="eight"),
    "option-gpu-a-list": lambda m: m["options"][0].update(gpu=["H100"]),
    "option-ownership-a-string": lambda m: m["options"][0].update(ownership="yes"),
    "option-model-a-number": lambda m: m["options"][1].update(model=5),
    "curve-of-strings": lambda m: m["workload"].update(daily_curve=["a"] * 24),
}


@pytest.mark.parametrize("page", ["compare", "breakeven", "risk", "quality", "throughput", "prices", "usage"])
@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_link_is_refused_in_one_line_on_every_page(case, page):
    mapping = example()
    MALFORMED[case](mapping)
    at = AppTest.from_file(str(ROOT / "app_session.py"), default_timeout=60)
    at.query_params["s"] = codec.to_url_token(mapping)
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not any("Something went wrong" in e.value for e in at.error)
