"""Bad files get exit status 2 and one line naming the file, the field and the expected form."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cli.main import main
from tests.conftest import ROOT, level, simple_profile, write_yaml

GOOD = {
    "name": "t",
    "workload": {"requests_per_month": 1000, "input_tokens": 100, "output_tokens": 10},
    "options": [{"id": "a", "kind": "api", "provider": "openai", "model": "gpt-5"}],
}


def _run(tmp_path, capsys, text: str | bytes, name: str = "s.yaml") -> tuple[int, str]:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    code = main(["compare", str(path)])
    err = capsys.readouterr().err.strip()
    return code, err


def _yaml(data) -> str:
    import yaml

    return yaml.safe_dump(data)


CASES = [
    (
        "missing field",
        {**GOOD, "workload": {"input_tokens": 100, "output_tokens": 10}},
        "workload",
        "requests_per_month",
    ),
    ("wrong type", {**GOOD, "horizon_months": "two years"}, "horizon_months", "integer"),
    (
        "negative",
        {**GOOD, "workload": {**GOOD["workload"], "requests_per_month": -5}},
        "requests_per_month",
        "greater than or equal to 1",
    ),
    (
        "zero",
        {**GOOD, "workload": {**GOOD["workload"], "input_tokens": 0}},
        "input_tokens",
        "greater than or equal to 1",
    ),
    ("typo key", {**GOOD, "workload": {**GOOD["workload"], "peak_to_avg": 2}}, "peak_to_avg", "unknown field"),
    (
        "unknown provider",
        {**GOOD, "options": [{"id": "a", "kind": "api", "provider": "nosuch", "model": "x"}]},
        "options[0].model",
        "unknown provider",
    ),
    (
        "unknown model",
        {**GOOD, "options": [{"id": "a", "kind": "api", "provider": "openai", "model": "gpt-99"}]},
        "options[0].model",
        "unknown model",
    ),
    (
        "unknown open model",
        {
            **GOOD,
            "options": [
                {
                    "id": "a",
                    "kind": "self_hosted",
                    "model": "nosuch-7b",
                    "gpu": "H100",
                    "usd_per_gpu_hour": 2,
                    "gpus_per_replica": 1,
                }
            ],
        },
        "options[0].model",
        "unknown model",
    ),
    (
        "unknown gpu",
        {
            **GOOD,
            "options": [
                {
                    "id": "a",
                    "kind": "self_hosted",
                    "model": "qwen3-8b",
                    "gpu": "H900",
                    "term": "on_demand",
                    "gpus_per_replica": 1,
                }
            ],
        },
        "options[0].gpu",
        "unknown GPU",
    ),
    ("bad month", {**GOOD, "start": "December"}, "start", "YYYY-MM"),
    (
        "shares",
        {
            **GOOD,
            "workload": {
                "requests_per_month": 1,
                "classes": [{"name": "a", "share": 0.5, "input_tokens": 1, "output_tokens": 1}],
            },
        },
        "workload",
        "add up to 1",
    ),
    (
        "two bases",
        {
            **GOOD,
            "options": [
                {
                    "id": "a",
                    "kind": "self_hosted",
                    "model": "qwen3-8b",
                    "gpu": "H100",
                    "usd_per_gpu_hour": 2,
                    "term": "spot",
                }
            ],
        },
        "options[0]",
        "exactly one of",
    ),
    ("duplicate ids", {**GOOD, "options": [dict(GOOD["options"][0]), dict(GOOD["options"][0])]}, "top level", "unique"),
]


@pytest.mark.parametrize(("what", "data", "field", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_scenario(tmp_path, capsys, what, data, field, expected):
    code, err = _run(tmp_path, capsys, _yaml(data))
    assert code == 2
    assert len(err.splitlines()) == 1, err
    assert "s.yaml" in err and field.split(".")[-1].split("[")[0] in err and expected in err, err


def test_not_utf8(tmp_path, capsys):
    code, err = _run(tmp_path, capsys, b"name: \xff\xfe bad\n")
    assert code == 2 and "not valid UTF-8" in err and "s.yaml" in err


def test_huge_file(tmp_path, capsys):
    code, err = _run(tmp_path, capsys, b"# " + b"x" * (6 * 1024 * 1024))
    assert code == 2 and "limit" in err


def test_yaml_alias_bomb_is_refused(tmp_path, capsys):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20)
    )
    code, err = _run(tmp_path, capsys, bomb)
    assert code == 2 and "aliases" in err and "line 2" in err


def test_yaml_cannot_execute(tmp_path, capsys):
    code, err = _run(tmp_path, capsys, "name: !!python/object/apply:os.system ['echo hacked']\n")
    assert code == 2 and "not valid YAML" in err


def test_syntax_error_names_line(tmp_path, capsys):
    code, err = _run(tmp_path, capsys, "name: [unclosed\nworkload: {}\n")
    assert code == 2 and "line" in err


def test_missing_file(tmp_path, capsys):
    assert main(["compare", str(tmp_path / "nope.yaml")]) == 2
    assert "file not found" in capsys.readouterr().err


LLAMA_WITH_PROFILE = {
    **GOOD,
    "options": [
        {
            "id": "s",
            "kind": "self_hosted",
            "model": "llama-3.3-70b-instruct",
            "profile": "p.yaml",
            "usd_per_gpu_hour": 2,
        }
    ],
}


def test_bad_profile_names_the_profile_file(tmp_path, capsys):
    bad = simple_profile([level(5, 1, 0.05)])
    bad["levels"][0]["req_per_s"] = -1
    write_yaml(tmp_path / "p.yaml", bad)
    code, err = _run(tmp_path, capsys, _yaml(LLAMA_WITH_PROFILE))
    assert code == 2 and "p.yaml" in err and "levels[0].req_per_s" in err


def test_profile_for_another_model_is_refused(tmp_path, capsys):
    write_yaml(tmp_path / "p.yaml", simple_profile([level(5, 1, 0.05)], model="qwen3-8b"))
    code, err = _run(tmp_path, capsys, _yaml(LLAMA_WITH_PROFILE))
    assert code == 2 and "measures 'qwen3-8b'" in err


def test_bad_gpu_sheet_names_file_and_field(tmp_path):
    from datafiles import InputError
    from pricing.gpus import load_gpu_sheet

    path = write_yaml(
        tmp_path / "gpus.yaml", {"sheet_version": 1, "gpus": [{"id": "X", "name": "x", "memory_gib": -1}]}
    )
    with pytest.raises(InputError) as info:
        load_gpu_sheet(path)
    assert "gpus.yaml" in str(info.value) and "gpus[0]" in str(info.value)


def test_no_traceback_from_the_console_script(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("name: x\nworkload: {requests_per_month: 0}\noptions: []\n")
    proc = subprocess.run(
        [sys.executable, "-m", "cli.main", "compare", str(path)], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
