"""Every command that writes (`usage --out`, `import --out`, `profile --out`, `eval run --out`) refuses a pipe or a
device before any work, in one line with exit 2 — never blocking on a FIFO, never "written" to /dev/full — and a
write that fails leaves the earlier file as it was (datafiles.output)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from cli.main import main
from datafiles import InputError, write_atomic
from tests.conftest import ROOT

USAGE = "timestamp,model,input_tokens,output_tokens,requests\n2026-10-01T10:00:00Z,gpt-4o,1000,200,3\n"
VLLM = ROOT / "tests" / "fixtures" / "imports" / "vllm-bench-serve.json"
UNUSED_SERVER = "http://127.0.0.1:9"  # the discard port: nothing is ever sent, the output is refused first


def commands(tmp: Path, out: str) -> dict[str, list[str]]:
    usage = tmp / "usage.csv"
    usage.write_text(USAGE)
    tasks = tmp / "tasks.jsonl"
    tasks.write_text('{"id": "1", "prompt": "2+2?", "expected": "4", "grader": "exact"}\n')
    return {
        "usage": ["usage", str(usage), "--out", out],
        "import": ["import", str(VLLM), "--gpu", "H100", "--gpu-count", "1", "--model", "llama-3.3-70b-instruct",
                   "--out", out],
        "profile": ["profile", "--base-url", UNUSED_SERVER, "--model", "m", "--input-tokens", "100",
                    "--output-tokens", "10", "--concurrency", "1", "--requests-per-level", "1", "--out", out],
        "eval run": ["eval", "run", str(tasks), "--endpoint", f"name=a,base_url={UNUSED_SERVER},model=m",
                     "--out", out],
    }  # fmt: skip


def one_line_exit_2(argv: list[str], capsys) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("command", ["usage", "import", "profile"])
@pytest.mark.parametrize("target", ["/dev/full", "/dev/null"])
def test_a_device_is_refused_before_any_work(command, target, tmp_path, capsys):
    err = one_line_exit_2(commands(tmp_path, target)[command], capsys)
    assert "device" in err and "written" not in err


@pytest.mark.parametrize("command", ["usage", "import", "profile", "eval run"])
def test_a_fifo_is_refused_without_blocking(command, tmp_path, capsys):
    fifo_dir = tmp_path / "out"
    fifo_dir.mkdir()
    fifo = fifo_dir / ("a.jsonl" if command == "eval run" else "out.yaml")
    os.mkfifo(fifo)
    argv = commands(tmp_path, str(fifo_dir if command == "eval run" else fifo))[command]
    done, errors = threading.Event(), []

    def attempt() -> None:
        errors.append(one_line_exit_2(argv, capsys))
        done.set()

    threading.Thread(target=attempt, daemon=True).start()
    assert done.wait(30), f"{command} blocked on a FIFO"
    assert "pipe (FIFO)" in errors[0]


def test_the_profilers_raw_requests_file_is_checked_too(tmp_path, capsys):
    """The profile's raw requests go beside it (NAME.requests.jsonl): a FIFO there would block mid-sweep."""
    os.mkfifo(tmp_path / "p.requests.jsonl")
    err = one_line_exit_2(commands(tmp_path, str(tmp_path / "p.yaml"))["profile"], capsys)
    assert "pipe (FIFO)" in err


def test_a_failed_write_keeps_the_earlier_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "profile.yaml"
    target.write_text("earlier\n")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(InputError, match="cannot be written"):
        write_atomic(target, "new\n" * 1000)
    assert target.read_text() == "earlier\n"
    assert [p.name for p in tmp_path.iterdir()] == ["profile.yaml"]
