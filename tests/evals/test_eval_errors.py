"""Issue 25, item 2: a failed call is an error, never a wrong answer — in the runner (over real sockets: a 404, a
refused port, a server that never answers, one that fails some calls), its records, every importer and the CLI.

Every figure is worked by hand here: the rate over the answered tasks, and Wilson's interval from its formula
(`wilson` below, written out independently of evals.stats)."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cli.main import main
from datafiles import InputError
from evals.importers import import_eval
from tests.conftest import ROOT
from tests.support.answer_server import Book, Model
from tests.support.eval_runs import QuietAnswerServer as AnswerServer
from tests.support.eval_runs import SilentServer, closed_port

FIXTURES = ROOT / "tests" / "fixtures" / "evals"
Z = 1.959963984540054  # the 97.5th percentile of the standard normal


def wilson(k: float, n: int) -> tuple[float, float]:
    """(p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n), written out again for the tests."""
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def test_wilson_worked_by_hand():
    # 86 of 100: z² = 3.841459, centre (0.86 + 0.019207) / 1.038415 = 0.846683,
    # half 1.959964 · √(0.001204 + 0.0000960) / 1.038415 = 0.068054 → (0.77863, 0.91474)
    assert wilson(86, 100) == pytest.approx((0.77863, 0.91474), abs=1e-5)
    # 2 of 3: centre (0.666667 + 0.640243) / 2.280486 = 0.573084, half 1.959964 · √(0.074074 + 0.106707)
    # / 2.280486 = 0.365424 → (0.20766, 0.93851)
    assert wilson(2, 3) == pytest.approx((0.20766, 0.93851), abs=1e-5)


QUESTIONS = {f"What is {i} times 3?": str(3 * i) for i in range(5)}


def _tasks(tmp_path: Path) -> Path:
    lines = [{"id": f"q{i}", "prompt": q, "expected": a, "grader": "numeric"} for i, (q, a) in
             enumerate(QUESTIONS.items())]  # fmt: skip
    path = tmp_path / "tasks.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def _run(tmp_path: Path, capsys, endpoint: str, *extra: str) -> tuple[int, str, str, list[dict]]:
    code = main(["eval", "run", str(_tasks(tmp_path)), "--endpoint", endpoint, "--retries", "0", "--quiet",
                 "--out", str(tmp_path / "out"), *extra])  # fmt: skip
    out = capsys.readouterr()
    name = endpoint.split(",")[0].split("=")[-1] if endpoint.startswith("name=") else endpoint.split("=")[0]
    path = tmp_path / "out" / f"{name}.jsonl"
    records = [json.loads(line) for line in path.read_text().splitlines()]
    return code, out.out, out.err, records


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: endpoint ")
    return lines[0]


def test_a_404_endpoint_exits_1_with_the_cause_and_its_records_import_as_errors(tmp_path, capsys):
    with AnswerServer(Book({"glm-5": Model(QUESTIONS)})) as server:
        code, out, err, records = _run(tmp_path, capsys, f"name=ours,base_url={server.url},model=glm-4")
    assert code == 1
    line = _one_error_line(err)
    assert line.startswith(f"error: endpoint ours: all 5 calls failed — 5× HTTP 404 from {server.url}/chat/completions")
    assert "model= names a served model" in line
    assert "0.0%" not in out and " - " in out  # no rate at all, not 0 %
    assert all(r["passed"] is None and r["error"].startswith("HTTP 404") for r in records)
    with pytest.raises(InputError) as caught:  # importing it gives no 0 % either: no answer to score
        import_eval(str(tmp_path / "out" / "ours.jsonl"))
    message = str(caught.value)
    assert "ours.jsonl" in message and "all 5 tasks ended in an error (first: HTTP 404" in message


def test_model_left_out_says_which_name_was_sent(tmp_path, capsys):
    with AnswerServer(Book({"glm-5": Model(QUESTIONS)})) as server:
        code, _, err, _ = _run(tmp_path, capsys, f"ours={server.url}")
    assert code == 1
    assert "(no model= given: the name 'ours' was sent as the model)" in _one_error_line(err)


def test_a_refused_port_exits_1_naming_it(tmp_path, capsys):
    port = closed_port()
    code, _, err, records = _run(tmp_path, capsys, f"name=ours,base_url=http://127.0.0.1:{port}/v1,model=glm-5")
    assert code == 1
    line = _one_error_line(err)
    assert f"all 5 calls failed — 5× cannot connect to 127.0.0.1:{port} (refused or unreachable)" in line
    assert all(r["passed"] is None for r in records)


def test_a_server_that_never_answers_times_out_within_the_deadline(tmp_path, capsys):
    with SilentServer() as server:
        start = time.perf_counter()
        code, _, err, records = _run(tmp_path, capsys, f"name=ours,base_url={server.url},model=glm-5",
                                     "--timeout", "0.5", "--concurrency", "5")  # fmt: skip
        took = time.perf_counter() - start
    assert code == 1 and server.calls == 5
    assert took < 10  # five calls in parallel, each cut at 0.5 s
    line = _one_error_line(err)
    assert "all 5 calls failed — 5× timeout: " in line and "within 0.5 s" in line
    assert {r["error"].split(":")[0] for r in records} == {"timeout"}


def test_some_failed_calls_warn_and_the_rate_is_over_the_answered(tmp_path, capsys):
    answers = dict(QUESTIONS)
    answers["What is 2 times 3?"] = "7"  # one wrong answer
    broken = {"What is 3 times 3?", "What is 4 times 3?"}  # two calls that always fail (HTTP 500)
    with AnswerServer(Book({"glm-5": Model(answers)}, broken_prompts=broken)) as server:
        code, out, err, records = _run(tmp_path, capsys, f"name=ours,base_url={server.url},model=glm-5")
    assert code == 0
    assert " 66.7% " in out  # the table: 2 of the 3 answered
    # 5 tasks: 2 errors; 3 answered, of which 2 right → 2 / 3, not 2 / 5
    warning = err.strip()
    assert warning.startswith("warning: endpoint ours: 2 of 5 calls failed — 2× HTTP 500 from ")
    assert warning.endswith("; the success rate is over the 3 answered") and len(err.strip().splitlines()) == 1
    assert [r["passed"] for r in records] == [True, True, False, None, None]
    (row,) = import_eval(str(tmp_path / "out" / "ours.jsonl"))
    assert (row.n, row.errors, row.successes, row.success_rate) == (3, 2, 2, pytest.approx(2 / 3))
    assert (row.ci_low, row.ci_high) == pytest.approx(wilson(2, 3))


def test_the_json_summary_counts_errors_beside_the_rate(tmp_path, capsys):
    broken = {"What is 3 times 3?", "What is 4 times 3?"}
    with AnswerServer(Book({"glm-5": Model(QUESTIONS)}, broken_prompts=broken)) as server:
        code = main(["eval", "run", str(_tasks(tmp_path)), "--endpoint", f"name=ours,base_url={server.url},model=glm-5",
                     "--retries", "0", "--quiet", "--format", "json"])  # fmt: skip
    captured = capsys.readouterr()
    (s,) = json.loads(captured.out)["endpoints"]
    assert code == 0
    assert (s["tasks"], s["n"], s["successes"], s["errors"]) == (5, 3, 3, 2)
    assert s["success_rate"] == 1.0 and (s["ci_low"], s["ci_high"]) == pytest.approx(wilson(3, 3))
    assert s["error_causes"] == {"HTTP 500": 2}
    assert s["warning"] in captured.err and "2 of 5 calls failed" in s["warning"]


# Importers: each tool's error state is an error -------------------------------------------------------------


def _write(tmp_path: Path, doc: object, name: str) -> str:
    path = tmp_path / name
    if name.endswith(".jsonl"):
        path.write_text("".join(json.dumps(line) + "\n" for line in doc))
    else:
        path.write_text(json.dumps(doc))
    return str(path)


def _inspect_header() -> dict:
    log = json.loads((FIXTURES / "inspect_capitals_small-model.json").read_text())
    return {k: v for k, v in log.items() if k not in ("samples", "reductions")}


def test_inspect_samples_that_errored_are_errors_not_failures(tmp_path):
    doc = _inspect_header()  # accuracy 0.5 over its completed samples
    doc["results"] |= {"total_samples": 6, "completed_samples": 4}
    (row,) = import_eval(_write(tmp_path, doc, "log.json"))
    assert (row.n, row.errors, row.success_rate) == (4, 2, 0.5)  # 6 − 4 = 2 errored, the rate over the 4
    doc["results"]["early_stopping"] = {"early_stops": [{"id": 5, "epoch": 1}]}
    (row,) = import_eval(_write(tmp_path, doc, "stopped.json"))
    assert row.errors == 1  # 6 − 4 − 1 early stop (deliberate, not an error)
    doc = _inspect_header() | {"status": "error", "results": None, "error": {"message": "RateLimitError: 429"}}
    with pytest.raises(InputError, match=r"results: the eval ended in an error: RateLimitError: 429"):
        import_eval(_write(tmp_path, doc, "failed.json"))


def test_promptfoo_rows_with_failure_reason_2_are_errors(tmp_path):
    doc = json.loads((FIXTURES / "promptfoo_capitals.json").read_text())
    big = [r for r in doc["results"]["results"] if r["provider"]["label"] == "big-model"]
    assert [r["success"] for r in big] == [True, True, True, False]  # the file: 3 of 4 right
    big[0] |= {"success": False, "failureReason": 2, "error": "API error: 500 Internal Server Error",
               "response": {"error": "API error: 500 Internal Server Error"}, "tokenUsage": {}}  # fmt: skip
    rows = {r.model: r for r in import_eval(_write(tmp_path, doc, "pf.json"))}
    # big-model: 2 right, 1 wrong, 1 error → 2 / 3 over 3 answered
    assert (rows["big-model"].n, rows["big-model"].errors, rows["big-model"].successes) == (3, 1, 2)
    assert (rows["big-model"].ci_low, rows["big-model"].ci_high) == pytest.approx(wilson(2, 3))
    del big[0]["failureReason"]  # an older file: the provider's response.error says it
    rows = {r.model: r for r in import_eval(_write(tmp_path, doc, "old.json"))}
    assert rows["big-model"].errors == 1


def test_deepeval_cases_whose_metric_errored_are_errors(tmp_path):
    doc = json.loads((FIXTURES / "deepeval_latest_test_run.json").read_text())
    doc["testCases"][1]["metricsData"][0]["error"] = "TimeoutError: judge model did not answer"  # was a failure
    (row,) = import_eval(_write(tmp_path, doc, "de.json"))
    assert (row.n, row.errors, row.successes, row.success_rate) == (2, 1, 2, 1.0)


def test_our_older_records_with_an_error_and_passed_false_count_it_as_an_error(tmp_path):
    lines = [{"id": str(i), "endpoint": "e", "model": "m", "passed": i < 3, "error": None, "output_tokens": 10}
             for i in range(5)] + [{"id": "x", "endpoint": "e", "model": "m", "passed": False,
                                    "error": "ConnectError: All connection attempts failed"}]  # fmt: skip
    (row,) = import_eval(_write(tmp_path, lines, "old.jsonl"))
    assert (row.n, row.errors, row.success_rate) == (5, 1, 3 / 5)


# Item 9: promptfoo's per-prompt summaries, and every missing field named at once -----------------------------


def test_promptfoo_file_with_only_per_prompt_summaries():
    rows = {(r.model, r.task): r for r in import_eval(str(FIXTURES / "promptfoo_summaries_only.json"))}
    assert set(rows) == {("openai:chat:glm-5", "support answers (concise)"),
                         ("openai:chat:glm-5", "support answers (step-by-step)"),
                         ("openai:gpt-5.2", "support answers")}  # fmt: skip
    concise = rows[("openai:chat:glm-5", "support answers (concise)")]
    # the file's metrics: testPassCount 172, testFailCount 28, testErrorCount 4; completion tokens 4,400
    assert (concise.n, concise.errors, concise.success_rate) == (200, 4, 172 / 200)
    assert concise.output_tokens_per_task == 4400 / 200 and concise.input_tokens_per_task == 60000 / 200
    assert (concise.ci_low, concise.ci_high) == pytest.approx(wilson(172, 200))
    steps = rows[("openai:chat:glm-5", "support answers (step-by-step)")]
    assert (steps.n, steps.errors, steps.success_rate, steps.output_tokens_per_task) == (200, 0, 0.9, 450)
    gpt = rows[("openai:gpt-5.2", "support answers")]  # one prompt on this provider: the eval's name alone
    assert (gpt.n, gpt.errors, gpt.success_rate, gpt.output_tokens_per_task) == (196, 4, 150 / 196, 20)


def test_promptfoo_summaries_in_an_empty_rows_file_and_in_the_v2_table(tmp_path):
    doc = json.loads((FIXTURES / "promptfoo_summaries_only.json").read_text())
    doc["results"]["results"] = []
    assert len(import_eval(_write(tmp_path, doc, "v3.json"))) == 3
    body = doc["results"]
    doc["results"] = {"version": 2, "timestamp": body["timestamp"], "results": [], "stats": body["stats"],
                      "table": {"head": {"prompts": body["prompts"], "vars": ["question"]}, "body": []}}  # fmt: skip
    rows = import_eval(_write(tmp_path, doc, "v2.json"))
    assert sorted(r.n for r in rows) == [196, 200, 200]


def test_every_missing_field_is_named_in_one_message(tmp_path):
    doc = json.loads((FIXTURES / "promptfoo_summaries_only.json").read_text())
    del doc["results"]["prompts"][0]["provider"]
    del doc["results"]["prompts"][2]["metrics"]["testFailCount"]
    with pytest.raises(InputError) as caught:
        import_eval(_write(tmp_path, doc, "pf.json"))
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'pf.json'}: 2 fields are missing or not usable — ")
    assert "results.prompts[0], results.prompts[2]: expected provider (a name) and metrics {testPassCount, " \
           "testFailCount} (whole numbers)" in message  # fmt: skip
    inspect_doc = {"eval": {"task": "t"}, "results": {"scores": []}}
    with pytest.raises(InputError) as caught:
        import_eval(_write(tmp_path, inspect_doc, "inspect.json"), "inspect")
    message = str(caught.value)
    assert "2 fields are missing" in message and "eval.model: expected the model's name, got nothing" in message
    assert "results.scores: expected a list of at least one scorer, got a list of 0 items" in message
    lines = [{"id": "1", "endpoint": "e", "passed": True}, {"id": "2", "endpoint": "e"}, {"id": "3", "passed": True},
             {"id": "4", "endpoint": "e", "passed": "yes"}]  # fmt: skip
    with pytest.raises(InputError) as caught:
        import_eval(_write(tmp_path, lines, "own.jsonl"))
    assert "3 fields are missing or not usable — line 2, line 3, line 4: expected an eval record" in str(caught.value)
    neither = {"evalId": "e", "results": {"version": 3, "stats": {}}}
    with pytest.raises(InputError, match=r"results\.results, results\.prompts: no per-test rows and no per-prompt"):
        import_eval(_write(tmp_path, neither, "neither.json"))


def test_the_import_cli_refuses_an_all_error_file_in_one_line(tmp_path, capsys):
    lines = [{"id": str(i), "endpoint": "e", "model": "m", "passed": None, "error": "HTTP 404 from x: no such path"}
             for i in range(3)]  # fmt: skip
    path = _write(tmp_path, lines, "dead.jsonl")
    assert main(["eval", "import", path]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"error: {path}: endpoint e: all 3 tasks ended in an error (first: HTTP 404 from x: no such path); " \
                  "no answer to score"  # fmt: skip


# The property: whatever mix of right, wrong and failed, errors never enter the rate --------------------------

OUTCOMES = st.lists(st.sampled_from(["pass", "fail", "error"]), min_size=1, max_size=60)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("eval-errors")


@settings(max_examples=60, deadline=None)
@given(OUTCOMES)
@example(["pass"] * 13 + ["fail"] * 10)  # 13/23 · 23 = 12.999999999999998 in floating point: a count of 13
def test_errors_never_enter_the_rate_of_our_records(folder, outcomes):
    lines = [{"id": str(i), "endpoint": "e", "model": "m", "passed": None if o == "error" else o == "pass",
              "error": "timeout: no answer" if o == "error" else None} for i, o in enumerate(outcomes)]  # fmt: skip
    path = _write(folder, lines, "p.jsonl")
    passed, failed, errors = (outcomes.count(k) for k in ("pass", "fail", "error"))
    if passed + failed == 0:
        with pytest.raises(InputError, match=f"all {errors} tasks ended in an error"):
            import_eval(path)
        return
    (row,) = import_eval(path)
    assert (row.n, row.errors, row.successes) == (passed + failed, errors, passed)
    assert row.success_rate == pytest.approx(passed / (passed + failed))
    assert (row.ci_low, row.ci_high) == pytest.approx(wilson(passed, passed + failed))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6))
def test_errors_never_enter_the_rate_of_promptfoo_summaries(folder, passed, failed, errors):
    doc = {"evalId": "e", "results": {"version": 3, "prompts": [{"provider": "p", "metrics": {
        "testPassCount": passed, "testFailCount": failed, "testErrorCount": errors}}]}}  # fmt: skip
    path = _write(folder, doc, "p.json")
    if passed + failed == 0:
        with pytest.raises(InputError, match=r"ended in an error|no tasks"):
            import_eval(path)
        return
    (row,) = import_eval(path)
    assert (row.n, row.errors) == (passed + failed, errors)
    assert row.success_rate == pytest.approx(passed / (passed + failed))
