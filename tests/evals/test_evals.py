"""Eval imports pinned to each file's own numbers; the runner over real sockets against a server whose answers
are known; the CLI contract; bad eval input named by file and field."""

from __future__ import annotations

import json
import os

import pytest

from cli.main import main
from datafiles import InputError
from evals.importers import import_eval
from evals.stats import wilson_interval
from evals.tasks import load_tasks
from tests.conftest import ROOT
from tests.support.answer_server import TEMPLATE_TOKENS, AnswerServer, Book, Model

FIXTURES = ROOT / "tests" / "fixtures" / "evals"
QUESTIONS = {
    "What is the capital of France?": "Paris",
    "What is 12 times 12?": "144",
    "Which planet is known as the Red Planet?": "Mars",
    "Name a JSON object with a key ok set to true.": '{"ok": true}',
}


def test_lm_eval_results_file():
    rows = {r.task: r for r in import_eval(str(FIXTURES / "results_2026-01-21T03-44-18.458309.json"))}
    # the file: exact_match,none 0.0004 over n-samples.effective 5000 → 2 successes
    row = rows["math_rephrased_full (exact_match)"]
    assert (row.n, row.success_rate, row.successes) == (5000, 0.0004, 2.0)
    assert row.model == "RylanSchaeffer/mem_Qwen3-93M_minerva_math_rep_0_sbst_1.0000_epch_1_ot_1"
    assert (row.ci_low, row.ci_high) == pytest.approx(wilson_interval(2, 5000))
    assert rows["math_perturbed_full (exact_match)"].success_rate == 0.0


@pytest.mark.parametrize(
    ("name", "model", "rate", "n", "out_tokens", "in_tokens"),
    [
        # inspect 0.3.285 against tests/support/answer_server.py: its summary printed accuracy 0.750, 4 samples,
        # "219 tokens [I: 55, O: 164]" (each answer 1 word + 40 reasoning tokens); small-model 0.500, I 55, O 6
        ("inspect_capitals_big-model.eval", "openai-api/answers/big-model", 0.75, 4, 164 / 4, 55 / 4),
        ("inspect_capitals_small-model.json", "openai-api/answers/small-model", 0.5, 4, 6 / 4, 55 / 4),
    ],
)
def test_inspect_logs_eval_zip_and_json(name, model, rate, n, out_tokens, in_tokens):
    (row,) = import_eval(str(FIXTURES / name))
    assert (row.model, row.success_rate, row.n) == (model, rate, n)
    assert row.output_tokens_per_task == pytest.approx(out_tokens)
    assert row.input_tokens_per_task == pytest.approx(in_tokens)


def test_openai_evals_and_deepeval_files():
    (oe,) = import_eval(str(FIXTURES / "openai_evals_capitals.jsonl"))
    # 5 match events, 3 correct; the log's own final_report says accuracy 0.6
    assert (oe.model, oe.task, oe.n, oe.successes, oe.success_rate) == ("gpt-4o-mini", "capitals.dev.v0", 5, 3, 0.6)
    (de,) = import_eval(str(FIXTURES / "deepeval_latest_test_run.json"))
    # written by deepeval 4.3.1's TestRun model: testPassed 2, testFailed 1
    doc = json.loads((FIXTURES / "deepeval_latest_test_run.json").read_text())
    assert (de.n, de.successes) == (doc["testPassed"] + doc["testFailed"], doc["testPassed"])


def test_promptfoo_output_file():
    rows = {r.model: r for r in import_eval(str(FIXTURES / "promptfoo_capitals.json"))}
    doc = json.loads((FIXTURES / "promptfoo_capitals.json").read_text())
    for prompt in doc["results"]["prompts"]:  # the file's own per-provider counts
        metrics = prompt["metrics"]
        row = rows[prompt["label"] if prompt["label"] in rows else prompt["provider"]]
        assert row.successes == metrics["testPassCount"]
        assert row.n == metrics["testPassCount"] + metrics["testFailCount"]  # answered; errors beside it
        assert row.errors == metrics["testErrorCount"]


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ('{"results": {"gsm8k": {"acc,none": 1.7}}, "n-samples": {}}', "results.gsm8k.acc,none"),
        ('{"eval": {"model": "m"}, "results": {"scores": []}}', "results.scores"),
        ('{"evalId": "x", "results": {"results": [{"provider": 3}]}}', "results.results[0]"),
        ('{"spec": {"completion_fns": ["m"]}}\n{"type": "match", "data": {"correct": "yes"}}', "data.correct"),
        ("[1, 2]", "format"),
    ],
)
def test_malformed_eval_files_name_file_and_field(tmp_path, content, field):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(InputError) as err:
        import_eval(str(path))
    assert str(path) in str(err.value) and field in str(err.value)


def _tasks(tmp_path):
    lines = [
        {"id": "fr", "prompt": "What is the capital of France?", "expected": "Paris", "grader": "exact"},
        {"id": "mul", "prompt": "What is 12 times 12?", "expected": "144", "grader": "numeric"},
        {"id": "mars", "prompt": "Which planet is known as the Red Planet?", "expected": "mars", "grader": "contains",
         "ignore_case": True},
        {"id": "json", "prompt": "Name a JSON object with a key ok set to true.", "grader": "json_schema",
         "schema": {"type": "object", "required": ["ok"], "properties": {"ok": {"const": True}}}},
        {"id": "broken", "prompt": "This one always fails.", "expected": "x", "grader": "regex"},
    ]  # fmt: skip
    path = tmp_path / "tasks.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def test_eval_run_two_endpoints_over_sockets(tmp_path, capsys, monkeypatch):
    small = dict(
        QUESTIONS, **{"What is 12 times 12?": "It is 124.", "Name a JSON object with a key ok set to true.": "no"}
    )
    book = Book({"big": Model(QUESTIONS, reasoning_tokens=30), "small": Model(small)}, fail_first=True,
                broken_prompts={"This one always fails."})  # fmt: skip
    monkeypatch.setenv("TEST_EVAL_KEY", "sk-secret-123")
    with AnswerServer(book) as server:
        code = main(["eval", "run", str(_tasks(tmp_path)), "--endpoint",
                     f"name=big,base_url={server.url},model=big,api_key_env=TEST_EVAL_KEY",
                     "--endpoint", f"small={server.url},model=small", "--out", str(tmp_path / "out"),
                     "--format", "json", "--quiet", "--retries", "1"])  # fmt: skip
    assert code == 0
    captured = capsys.readouterr()
    out = {e["name"]: e for e in json.loads(captured.out)["endpoints"]}
    # big answers the 4 good tasks right, "broken" is HTTP 500 twice (retried once): an error, not a wrong answer
    assert (out["big"]["tasks"], out["big"]["n"], out["big"]["successes"], out["big"]["errors"]) == (5, 4, 4, 1)
    assert (out["small"]["n"], out["small"]["successes"], out["small"]["errors"]) == (4, 2, 1)
    assert (out["big"]["ci_low"], out["big"]["ci_high"]) == pytest.approx(wilson_interval(4, 4))
    assert out["big"]["error_causes"] == {"HTTP 500": 1}
    assert "big: 1 of 5 calls failed" in captured.err and "over the 4 answered" in captured.err
    # tokens: prompt words + 7 template tokens; completion = answer words (+ 30 reasoning for big)
    prompts = [len(q.split()) + TEMPLATE_TOKENS for q in QUESTIONS]
    assert out["big"]["mean_input_tokens"] == pytest.approx(sum(prompts) / 4)
    assert out["big"]["mean_output_tokens"] == pytest.approx(sum(len(a.split()) + 30 for a in QUESTIONS.values()) / 4)
    records = [json.loads(line) for line in (tmp_path / "out" / "big.jsonl").read_text().splitlines()]
    assert [r["id"] for r in records] == ["fr", "mul", "mars", "json", "broken"]
    assert records[1]["passed"] and records[4]["error"].startswith("HTTP 500") and records[4]["passed"] is None
    # the key was sent to the server and is in no output
    assert "Bearer sk-secret-123" in book.auth_headers
    for path in (tmp_path / "out").iterdir():
        assert "sk-secret-123" not in path.read_text()
    # the records import back, and feed a scenario (tests/tco/decision/test_quality.py)
    (row,) = import_eval(str(tmp_path / "out" / "small.jsonl"))
    assert (row.n, row.successes, row.errors) == (4, 2, 1)


def test_eval_run_with_a_judge(tmp_path, capsys):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"id": "1", "prompt": "What is the capital of France?", "expected": "Paris",
                                "grader": "judge"}) + "\n")  # fmt: skip
    with AnswerServer(Book({"big": Model(QUESTIONS)})) as server:
        main(["eval", "run", str(path), "--endpoint", f"name=big,base_url={server.url},model=big",
              "--judge", f"name=j,base_url={server.url},model=judge", "--format", "json", "--quiet"])  # fmt: skip
    (endpoint,) = json.loads(capsys.readouterr().out)["endpoints"]
    assert endpoint["successes"] == 1


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"prompt": "q", "expected": "a"}, "line 1.id"),
        ({"id": "1", "expected": "a"}, "line 1.prompt"),
        ({"id": "1", "prompt": "q", "expected": "a", "grader": "fuzzy"}, "line 1.grader"),
        ({"id": "1", "prompt": "q", "expected": "(a", "grader": "regex"}, "line 1.expected"),
        ({"id": "1", "prompt": "q", "expected": "four", "grader": "numeric"}, "line 1.expected"),
        ({"id": "1", "prompt": "q", "grader": "json_schema", "schema": {"type": 5}}, "line 1.schema"),
    ],
)
def test_bad_task_lines_name_the_line_and_field(tmp_path, line, field):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps(line) + "\n")
    with pytest.raises(InputError) as err:
        load_tasks(str(path))
    assert field in str(err.value) and str(path) in str(err.value)


def test_eval_cli_bad_input_exits_2_with_one_line(tmp_path, capsys):
    assert main(["eval", "run", str(_tasks(tmp_path)), "--endpoint", "name=x,base_url=ftp://h"]) == 2
    assert "--endpoint" in capsys.readouterr().err
    os.environ.pop("NO_SUCH_KEY_VAR", None)
    assert main(["eval", "run", str(_tasks(tmp_path)), "--endpoint",
                 "name=x,base_url=http://127.0.0.1:9,api_key_env=NO_SUCH_KEY_VAR"]) == 2  # fmt: skip
    assert "NO_SUCH_KEY_VAR" in capsys.readouterr().err


def test_eval_import_cli_json_contract(capsys):
    assert main(["eval", "import", str(FIXTURES / "openai_evals_capitals.jsonl"), "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["results"]
    keys = {"model", "task", "n", "successes", "success_rate", "ci_low", "ci_high", "output_tokens_per_task",
            "source_file"}  # fmt: skip
    assert keys <= set(row)
