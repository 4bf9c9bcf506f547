"""Hostile eval files (issue 26): every importer, fed documents whose fields are the wrong type, non-finite or
huge, and real files in the wrong encoding or hostile `.eval` zips, answers with rows whose numbers are finite
and in bounds, or with one `InputError` whose message is one short line — never a traceback, a hang or a
memory blow-up.

The Hypothesis part is bounded (a few hundred small examples); `_outcome` is the one oracle."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.main import main
from datafiles import InputError, decode_text, excerpt
from datafiles.errors import one_line
from evals.importers import MAX_EVAL_BYTES, import_eval
from tests.support.eval_hostile import (
    BASES,
    FIXTURES,
    FUZZ,
    HUGE,
    INSPECT_EVAL,
    OWN_RECORDS,
    _content,
    _header,
    _member,
    _outcome,
    _paths,
    _raw_zip,
    _replaced,
    _write,
    hostile_values,
)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.mark.parametrize("fmt", list(BASES))
def test_every_format_reads_its_own_base_document(work, fmt):
    doc, suffix = BASES[fmt]
    assert _outcome(_write(work, _content(doc, suffix), suffix)) == "rows"


WRONG_TYPES = {"number": 7, "string": "7", "bool": True, "list": [0.5], "object": {"value": 0.5}, "null": None,
               "NaN": float("nan"), "-Infinity": float("-inf"), "1e400": HUGE, "1e12": 10**12, "-1": -1}  # fmt: skip
READ_KEYS = {
    "lm-eval": ("results", "n-samples", "model_name", "config"),
    "inspect": ("eval", "results", "stats"),
    "promptfoo": ("results", "config", "evalId"),
    "deepeval": ("testCases", "hyperparameters", "identifier"),
}
PROMPTFOO_ROW_KEYS = ("provider", "success", "tokenUsage")


def _read_paths(fmt: str) -> list[tuple]:
    """The paths of the base document its reader reads: under `READ_KEYS`, in a promptfoo result only the
    provider, success and token fields, in JSON lines three levels deep."""
    doc, _ = BASES[fmt]
    keys = READ_KEYS.get(fmt.removesuffix(" .eval"))
    paths = [p for p in _paths(doc) if keys is None or p[0] in keys]
    if fmt == "promptfoo":
        paths = [p for p in paths if p[:2] != ("results", "results") or len(p) <= 3 or p[3] in PROMPTFOO_ROW_KEYS]
    return [p for p in paths if len(p) <= 3] if keys is None else paths


@pytest.mark.parametrize("fmt", list(BASES))
def test_every_read_field_replaced_by_each_wrong_type_or_deleted(work, fmt):
    """The sweep: each field a reader reads, in turn, as each wrong type (and deleted): rows or one line."""
    doc, suffix = BASES[fmt]
    outcomes = {"rows": 0, "error": 0}
    for path in _read_paths(fmt):
        variants = [_replaced(doc, path, value) for value in WRONG_TYPES.values()]
        if isinstance(path[-1], str):
            variants.append(_replaced(doc, path, None, delete=True))
        for hostile in variants:
            outcomes[_outcome(_write(work, _content(hostile, suffix), suffix))] += 1
    assert outcomes["error"] > 0 and sum(outcomes.values()) >= 10 * len(_read_paths(fmt))


@pytest.mark.parametrize("fmt", list(BASES))
@FUZZ
@given(data=st.data(), value=hostile_values, delete=st.booleans())
def test_a_hostile_field_gives_bounded_rows_or_one_line(work, fmt, data, value, delete):
    doc, suffix = BASES[fmt]
    path = data.draw(st.sampled_from(_paths(doc)), label="path")
    hostile = _replaced(doc, path, value, delete=delete and isinstance(path[-1], str))
    _outcome(_write(work, _content(hostile, suffix), suffix))


@pytest.mark.parametrize("fmt", list(BASES))
@FUZZ
@given(value=hostile_values)
def test_a_hostile_whole_document_gives_one_line(work, fmt, value):
    _, suffix = BASES[fmt]
    _outcome(_write(work, _content(value, suffix), suffix))


@pytest.mark.parametrize("kind", ["zstd (inspect's own)", "deflate"])
@FUZZ
@given(cuts=st.lists(st.tuples(st.integers(0, 12_000), st.integers(0, 255)), min_size=1, max_size=4),
       truncate=st.integers(0, 12_000))  # fmt: skip
def test_a_damaged_eval_zip_gives_one_line(work, kind, cuts, truncate):
    original = INSPECT_EVAL.read_bytes() if kind.startswith("zstd") else _content(_header(), ".eval")
    data = bytearray(original)
    for at, byte in cuts:
        data[at % len(data)] = byte
    _outcome(_write(work, bytes(data[: max(truncate, 22)]), ".eval"))


# Encodings ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_utf8_bom_and_utf16_utf32_with_a_bom_are_read(work, codec):
    text = (FIXTURES / "deepeval_latest_test_run.json").read_text()
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-32-le": b"\xff\xfe\x00\x00",
           "utf-32-be": b"\x00\x00\xfe\xff"}.get(codec, b"")  # fmt: skip
    path = _write(work, bom + text.encode(codec), ".json")
    assert import_eval(str(path)) == [
        r.__class__(**{**r.as_json(), "source_file": str(path)})
        for r in import_eval(str(FIXTURES / "deepeval_latest_test_run.json"))
    ]


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ('{"testCases": [{"success": true}], "identifier": "café"}'.encode("latin-1"), "Latin-1/CP-1252"),
        ('{"testCases": [{"success": true}], "identifier": "“q”"}'.encode("cp1252"), "CP-1252"),
        ('{"testCases": [{"success": true}]}'.encode("utf-16-le"), "UTF-16 LE without a byte-order mark"),
        ('{"testCases": [{"success": true}]}'.encode("utf-16-be"), "UTF-16 BE without a byte-order mark"),
        ('{"testCases": [{"success": true}]}'.encode("utf-32-le"), "UTF-32 LE without a byte-order mark"),
        (b"\xff\xfe" + "{}".encode("utf-16-le") + b"\x00\xd8", "UTF-16"),  # a lone surrogate after the BOM
        (zlib.compress(b"{}" * 100), "binary data"),
    ],
)
def test_other_encodings_are_one_line_naming_the_encoding(work, data, named):
    path = _write(work, data, ".json")
    assert _outcome(path) == "error"
    with pytest.raises(InputError) as err:
        import_eval(str(path))
    assert named in str(err.value) and str(path) in str(err.value) and "UTF-8" in str(err.value)


def test_decode_text_says_latin1_at_the_byte():
    with pytest.raises(InputError) as err:
        decode_text(b"model: caf\xe9\n", "s.yaml")
    assert str(err.value) == "s.yaml: byte 10: not valid UTF-8 text (looks like Latin-1/CP-1252); save it as UTF-8"


# Sizes and numbers ----------------------------------------------------------------------------------------


def test_a_six_mib_file_is_one_short_line(work):
    doc = {"testCases": [{"success": True, "input": "x" * (6 * 1024 * 1024)}]}
    path = _write(work, json.dumps(doc).encode(), ".json")
    with pytest.raises(InputError) as err:
        import_eval(str(path))
    assert str(err.value) == f"{path}: file is over the limit of {MAX_EVAL_BYTES:,} bytes"


def test_a_huge_value_is_quoted_as_a_short_excerpt(work):
    doc = {"results": {"gsm8k": {"acc,none": "x\n" * 1_000_000}}, "n-samples": {}}
    path = _write(work, json.dumps(doc).encode(), ".json")
    with pytest.raises(InputError) as err:
        import_eval(str(path))
    message = str(err.value)
    assert "results.gsm8k.acc,none" in message and len(message) < len(str(path)) + 200 and "\\n" in message


def _inspect_with(**usage: object) -> dict:
    doc = _header()
    model = doc["eval"]["model"]
    doc["stats"]["model_usage"][model].update(usage)
    return doc


@pytest.mark.parametrize(
    ("fmt", "doc", "field"),
    [
        ("inspect", _inspect_with(output_tokens=10**12), "output_tokens"),
        ("inspect .eval", _inspect_with(output_tokens=10**12), "output_tokens"),
        ("inspect", _inspect_with(output_tokens=1e12), "output_tokens"),
        ("inspect", _inspect_with(input_tokens=HUGE), "input_tokens"),
        ("inspect", _inspect_with(output_tokens=float("nan")), "output_tokens"),
        ("inference-roi", [{**OWN_RECORDS[0], "output_tokens": 1e12}], "line 1.output_tokens"),
        ("inference-roi", [OWN_RECORDS[0], {**OWN_RECORDS[1], "output_tokens": float("nan")}], "line 2.output_tokens"),
        ("inference-roi", [{**OWN_RECORDS[0], "input_tokens": HUGE}], "line 1.input_tokens"),
        ("inference-roi", [{**OWN_RECORDS[0], "output_tokens": float("-inf")}], "line 1.output_tokens"),
        ("lm-eval", {"results": {"t": {"acc,none": float("nan")}}, "n-samples": {}}, "results.t.acc,none"),
        ("lm-eval", {"results": {"t": {"acc,none": HUGE}}, "n-samples": {}}, "results.t.acc,none"),
        ("lm-eval", {"results": {"t": {"acc,none": 0.5}}, "n-samples": {"t": {"effective": 10**9}}},
         "n-samples.t.effective"),
        ("lm-eval", {"results": {"t": {"acc,none": 0.5}}, "n-samples": {"t": {"effective": float("inf")}}},
         "n-samples.t.effective"),
        ("promptfoo", {"evalId": "e", "results": {"results": [{"provider": "p", "success": True,
                       "tokenUsage": {"completion": float("inf")}}]}}, "results.results[0].tokenUsage.completion"),
        ("promptfoo", {"evalId": "e", "results": {"results": [{"provider": "p", "success": True,
                       "tokenUsage": {"prompt": HUGE}}]}}, "results.results[0].tokenUsage.prompt"),
        ("openai-evals", [{"spec": {"completion_fns": ["m"]}}, {"type": "match", "data": {"correct": HUGE}}],
         "line 2.data.correct"),
        ("deepeval", {"testCases": [{"success": float("nan")}]}, "testCases[].success"),
        ("inspect", {**_header(), "results": {**_header()["results"], "completed_samples": float("nan")}},
         "results.completed_samples"),
    ],
)  # fmt: skip
def test_non_finite_or_huge_numbers_name_the_file_and_field(work, fmt, doc, field):
    suffix = BASES[fmt][1]
    path = _write(work, _content(doc, suffix), suffix)
    with pytest.raises(InputError) as err:
        import_eval(str(path))
    message = str(err.value)
    assert str(path) in message and field in message and len(message.splitlines()) == 1, message


@pytest.mark.parametrize("metric", [0.75, "0.75", True, [0.75], None, float("nan")])
def test_inspect_metric_that_is_not_an_object_is_one_line(work, metric):
    doc = _header()
    doc["results"]["scores"][0]["metrics"]["accuracy"] = metric
    path = _write(work, _content(doc, ".json"), ".json")
    with pytest.raises(InputError, match=r"results\.scores\[0\]\.metrics\.accuracy"):
        import_eval(str(path))


def test_the_cli_exits_2_with_one_line(work, capsys):
    path = _write(work, _raw_zip([_member(flags=0x1)]), ".eval")
    assert main(["eval", "import", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(path) in err and "encrypted" in err


def test_a_scenario_eval_reference_to_a_hostile_file_is_an_input_error(tmp_path, catalogues):
    from tests.conftest import run_scenario

    flat = {"kind": "api", "provider": "acme", "model": "flat-3-15", "fixed_usd_per_month": 0}
    latin = '{"testCases": [{"success": true}], "identifier": "é"}'.encode("latin-1")
    tokens = _content(_inspect_with(output_tokens=10**12), ".json")
    for name, data in [("bomb.eval", _raw_zip([_member(flags=0x1)])), ("tokens.json", tokens), ("latin.json", latin)]:
        (tmp_path / name).write_bytes(data)
        scenario = {
            "name": "eval",
            "workload": {"requests_per_month": 1e6, "input_tokens": 1000, "output_tokens": 200},
            "options": [{"id": "a", **flat, "eval": {"file": name}}],
        }
        with pytest.raises(InputError) as err:
            run_scenario(tmp_path, scenario, catalogues)
        message = str(err.value)
        assert "options[0].eval.file" in message and len(message.splitlines()) == 1, message


# The message itself ---------------------------------------------------------------------------------------


def test_input_error_is_one_line_whatever_it_holds():
    err = InputError("a\nb.json", "model\r\tx", "expected \x1b[2Jsomething\u2028else\x85\u202e")
    text = str(err)
    assert len(text.splitlines()) == 1 and "\x1b" not in text and "\u202e" not in text
    assert text == "a\\nb.json: model\\r\\tx: expected \\x1b[2Jsomething\\u2028else\\x85\\u202e"
    assert err.file == "a\nb.json"  # the fields keep what they were given


def test_excerpt_is_short_and_one_line():
    assert excerpt("a" * 1000) == repr("a" * 80) + "…"
    assert excerpt({"k": list(range(100))}).endswith("…") or len(excerpt({"k": list(range(100))})) <= 81
    assert "\n" not in excerpt(["x\ny"] * 50) and len(excerpt(["x\ny"] * 50)) <= 81
    assert one_line("plain") == "plain"
