"""Opening, saving and sharing a scenario in the app (files, examples, links), hostile ones included, with Streamlit's
AppTest."""

from __future__ import annotations

import copy

import pytest

from scenario_io import codec
from tco.decision.verdict import verdict
from tests.app.app_helpers import (
    PAGES,
    SCENARIO_DIR,
    assert_no_failure,
    engine,
    example,
    gpus_cell,
    link_token,
    open_app,
    profile_uploader,
    shown_verdict,
    table_row,
    table_with,
)


def test_changing_the_volume_recomputes_and_updates_the_link(catalogues):
    at = open_app()
    before = shown_verdict(at)
    at.text_input(key="f.volume").set_value("30M").run()
    assert_no_failure(at)
    changed = example()
    changed["workload"]["requests_per_month"] = 30_000_000
    expected = engine(changed, catalogues)
    assert shown_verdict(at) == verdict(expected) != before
    hosted = table_row(at, "glm5-h200")
    assert hosted["GPUs"] == gpus_cell(expected.option("glm5-h200"))
    assert codec.from_url_token(link_token(at))["workload"]["requests_per_month"] == 30_000_000


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_for_every_bundled_scenario(page):
    for name in ("support-assistant", "batch-summariser", "owned-fleet-finance", "distil-a-student"):
        at = open_app(page, s=codec.to_url_token(example(name)))
        assert_no_failure(at)


def test_open_a_scenario_file_and_a_bad_one_keeps_the_current(catalogues):
    at = open_app()
    batch = (SCENARIO_DIR / "batch-summariser.yaml").read_bytes()
    at.sidebar.file_uploader[0].upload("batch.yaml", batch, "application/x-yaml").run()
    assert_no_failure(at)
    assert shown_verdict(at) == verdict(engine(example("batch-summariser"), catalogues))
    broken = batch.replace(b"requests_per_month: 20000000", b"requests_per_month: many")
    at.sidebar.file_uploader[0].upload("broken.yaml", broken, "application/x-yaml").run()
    assert any("broken.yaml" in e.value and "workload.requests_per_month" in e.value for e in at.sidebar.error)
    assert shown_verdict(at) == verdict(engine(example("batch-summariser"), catalogues))


def test_open_an_example_from_the_sidebar(catalogues):
    at = open_app()
    at.sidebar.selectbox[0].set_value("owned-fleet-finance").run()
    assert_no_failure(at)
    assert shown_verdict(at) == verdict(engine(example("owned-fleet-finance"), catalogues))
    assert at.text_input(key="f.volume").value == "20,000,000"


def test_a_shared_link_reproduces_the_numbers(catalogues):
    mapping = example("batch-summariser")
    mapping["workload"]["requests_per_month"] = 5_000_000
    at = open_app(s=codec.to_url_token(mapping))
    assert_no_failure(at)
    assert shown_verdict(at) == verdict(engine(mapping, catalogues))
    assert at.text_input(key="f.volume").value == "5,000,000"


def test_a_broken_link_says_so_and_opens_the_example(catalogues):
    at = open_app(s="not-a-scenario")
    assert not at.exception
    assert any("shared link" in e.value for e in at.sidebar.error)
    assert shown_verdict(at) == verdict(engine(example(), catalogues))


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("profile", "/etc/passwd", "options[0].profile"),
        ("profile", "../../../../etc/hostname", "options[0].profile"),
        ("api_overrides", "../../etc/passwd", "api_overrides"),
    ],
)
def test_a_link_cannot_make_the_server_read_other_files(field, value, expected):
    mapping = example()
    if field == "profile":
        mapping["options"][0]["profile"] = value
    else:
        mapping["api_overrides"] = value
    at = open_app(s=codec.to_url_token(mapping))
    assert not at.exception
    if field == "profile":  # the option is set aside in its own row, by its id; the others still compute
        option_id = mapping["options"][0]["id"]
        assert any(option_id in w.value and "profile" in w.value for w in at.warning)
        row = table_with(at, "$/month").set_index("option").loc[option_id]
        assert row["status"] == "cannot compute"  # its problem is written under the table, in full
        assert any("neither a bundled profile nor one uploaded" in w.value for w in at.warning)
        assert shown_verdict(at).startswith("Recommended:")
    else:
        assert any(expected in e.value for e in at.error)


def test_saved_yaml_reopens_to_the_same_scenario():
    at = open_app()
    at.text_input(key="f.volume").set_value("4,000,000").run()
    saved = codec.to_yaml(at.session_state["scenario"])
    reopened = codec.from_yaml(saved, "saved.yaml")
    assert reopened == at.session_state["scenario"]
    original = example()
    assert copy.deepcopy(reopened)["workload"]["requests_per_month"] == 4_000_000
    assert list(reopened) == list(original)  # the user's layout is kept


@pytest.mark.parametrize("page", list(PAGES))
def test_visiting_a_page_leaves_the_scenario_as_loaded(page):
    """Untouched widgets write nothing back: a saved file keeps the user's own layout and values."""
    for name in ("support-assistant", "owned-fleet-finance"):
        at = open_app(page, s=codec.to_url_token(example(name)))
        current = at.session_state["scenario"]
        assert current == example(name)
        assert codec.to_yaml(current) == codec.to_yaml(example(name))  # same keys in the same order


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("nan.yaml", "VOLUME: .nan", "workload.requests_per_month"),
        ("inf.yaml", "VOLUME: .inf", "workload.requests_per_month"),
        ("deep.yaml", "DEEP", "nest"),
        ("bigint.yaml", "VOLUME: " + "9" * 5000, "digits"),
    ],
)
def test_hostile_scenario_uploads_are_named_and_the_current_one_kept(catalogues, name, text, where):
    good = (SCENARIO_DIR / "support-assistant.yaml").read_text()
    body = good.replace("requests_per_month: 3000000", text.replace("VOLUME", "requests_per_month"))
    if text == "DEEP":
        body = good + "\ndescription: " + "[" * 2000 + "]" * 2000 + "\n"
    at = open_app()
    before = at.session_state["scenario"]
    at.sidebar.file_uploader[0].upload(name, body.encode(), "application/x-yaml").run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(name in e.value and where in e.value for e in at.sidebar.error), [e.value for e in at.sidebar.error]
    assert at.session_state["scenario"] == before
    assert shown_verdict(at) == verdict(engine(example(), catalogues))


@pytest.mark.parametrize("payload", ["[" * 100_000 + "]" * 100_000, '{"name": NaN}'])
def test_a_hostile_link_says_so_and_opens_the_example(payload):
    import base64
    import zlib

    token = base64.urlsafe_b64encode(zlib.compress(payload.encode(), 9)).decode().rstrip("=")
    at = open_app(s=token)
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["scenario"] == example()


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("deep.json", b"[" * 100_000 + b"]" * 100_000),
        ("big.json", b'{"completed": ' + b"9" * 5000 + b"}"),
        ("forty.json", b'{"completed": "forty", "request_throughput": 1, "total_token_throughput": 2}'),
        ("inf.json", b'{"completed": Infinity, "request_throughput": Infinity, "total_token_throughput": 2}'),
        ("cr.csv", b"concurrency,req_per_s\r1,2\r2,,,\r"),
    ],
)
def test_hostile_throughput_uploads_are_named_in_place(name, body):
    at = open_app("throughput")
    profile_uploader(at).upload(name, body, "application/octet-stream")
    next(b for b in at.button if b.label == "Add profile").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(name in e.value for e in at.error), [e.value for e in at.error]
    assert at.session_state["uploaded_profiles"] == {}


def test_a_page_that_ends_early_still_draws_the_sidebar_and_keeps_the_link():
    """Usage before any export is read ends after its note (it called `st.stop()`, which ended the whole script
    run: the sidebar went blank, its exports and 'Open an example' with it, and the address lost `?s=`). Now the page
    raises `state.PageEnd` and the session draws the sidebar and the link after it, as on every page."""
    at = open_app("usage")
    assert_no_failure(at)
    assert any("No usage read yet" in i.value for i in at.info)
    assert link_token(at)  # the shareable link is in the address bar
    assert [s.label for s in at.sidebar.selectbox] == ["Open an example"]
    assert at.sidebar.file_uploader  # "Open a scenario file (YAML)"
