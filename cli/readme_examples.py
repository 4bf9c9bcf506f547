"""The README's command-line examples, run for real: check them against README.md, or rewrite them from real runs.

Convention: a fenced block opened by ```console whose first line is `$ inference-roi ARGS` is an example. The lines
after that first one are the command's standard output, verbatim (numbers included); the block ends at the next
line that is exactly ```. Any other block (```shell, ```text, a console block for another program) is left alone.

    python -m cli.readme_examples            # check: exit 1 with a unified diff for each example that drifted
    python -m cli.readme_examples --update   # rewrite every example block from a real run

Each command runs as `python -m cli.main ARGS` from the repository root (so paths are relative to it) on the bundled
price data (`INFERENCE_ROI_CACHE` points at an empty folder, so a copy fetched by `prices update` never enters) and a
fixed terminal width for argparse's help. It must exit 0, take no input, need no network and not depend on today's
date (`prices list` does: it prints the rates in force today). `tests/cli/test_readme_examples.py` runs the check.
"""

from __future__ import annotations

import argparse
import difflib
import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
OPEN = "```console"
CLOSE = "```"
PROMPT = "$ inference-roi "
TIMEOUT_S = 300


@dataclass(frozen=True)
class Example:
    """One example block: its command line and the output the README shows."""

    line: int
    """1-based line of the block's opening fence in README.md."""
    command: str
    """As written after `$ `, e.g. 'inference-roi compare scenarios/support-assistant.yaml'."""
    expected: str
    """The block's lines after the command, joined with newlines (no trailing newline)."""

    @property
    def argv(self) -> list[str]:
        """The arguments after `inference-roi`, split as a POSIX shell would."""
        return shlex.split(self.command)[1:]


def _blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(index of the opening fence, index of the closing fence) of every example block."""
    found = []
    i = 0
    while i < len(lines):
        if lines[i].rstrip() == OPEN and i + 1 < len(lines) and lines[i + 1].startswith(PROMPT):
            end = next((j for j in range(i + 2, len(lines)) if lines[j].rstrip() == CLOSE), None)
            if end is None:
                raise ValueError(f"README line {i + 1}: example block `{lines[i + 1].strip()}` is never closed by ```")
            found.append((i, end))
            i = end
        i += 1
    return found


def find_examples(text: str) -> list[Example]:
    """Every example block of a README, in order.

    >>> [e.argv for e in find_examples("x\\n```console\\n$ inference-roi prices --help\\nusage\\n```\\n")]
    [['prices', '--help']]
    >>> find_examples("```console\\n$ ls\\n```\\n")
    []
    """
    lines = text.split("\n")
    return [
        Example(start + 1, lines[start + 1][2:].strip(), "\n".join(lines[start + 2 : end]))
        for start, end in _blocks(lines)
    ]


def run_example(argv: Sequence[str], root: Path = ROOT) -> str:
    """The command's standard output, as the README shows it (no trailing newline); a failure raises RuntimeError
    with the command, its exit status and its standard error."""
    with tempfile.TemporaryDirectory(prefix="readme-examples-") as cache:
        env = {**os.environ, "INFERENCE_ROI_CACHE": cache, "COLUMNS": "100", "PYTHONIOENCODING": "utf-8"}
        proc = subprocess.run(
            [sys.executable, "-m", "cli.main", *argv],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            stdin=subprocess.DEVNULL,
            timeout=TIMEOUT_S,
            check=False,
        )
    if proc.returncode != 0:
        shown = " ".join(shlex.quote(a) for a in argv)
        raise RuntimeError(f"`inference-roi {shown}` exited {proc.returncode}: {proc.stderr.strip()}")
    return proc.stdout.rstrip("\n")


def drift(example: Example, actual: str, readme: str = "README.md") -> str:
    """A unified diff of the README's block against the real output ('' when they agree)."""
    if actual == example.expected:
        return ""
    diff = difflib.unified_diff(
        example.expected.split("\n"),
        actual.split("\n"),
        fromfile=f"{readme} line {example.line}: $ {example.command}",
        tofile="real output",
        lineterm="",
    )
    return "\n".join(diff)


def rewrite(text: str, outputs: Sequence[str]) -> str:
    """The README with each example block's output replaced, in order, by `outputs`.

    >>> rewrite("```console\\n$ inference-roi x\\nold\\nlines\\n```\\nrest", ["new"])
    '```console\\n$ inference-roi x\\nnew\\n```\\nrest'
    """
    lines = text.split("\n")
    blocks = _blocks(lines)
    if len(blocks) != len(outputs):
        raise ValueError(f"{len(blocks)} example blocks but {len(outputs)} outputs")
    for (start, end), output in reversed(list(zip(blocks, outputs, strict=True))):
        lines[start + 2 : end] = output.split("\n") if output else []
    return "\n".join(lines)


def check(readme: Path = README) -> list[str]:
    """One diff per example that no longer matches the real output."""
    examples = find_examples(readme.read_text(encoding="utf-8"))
    return [d for e in examples if (d := drift(e, run_example(e.argv), readme.name))]


def update(readme: Path = README) -> int:
    """Rewrite every example block of `readme` from a real run; the number of blocks that changed."""
    text = readme.read_text(encoding="utf-8")
    examples = find_examples(text)
    outputs = [run_example(e.argv) for e in examples]
    new = rewrite(readme.read_text(encoding="utf-8"), outputs)  # read again: the runs take a while
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return sum(out != e.expected for e, out in zip(examples, outputs, strict=True))


def main(argv: Sequence[str] | None = None) -> int:
    """Check the README's examples (exit 1 on drift) or, with --update, rewrite them."""
    parser = argparse.ArgumentParser(
        prog="python -m cli.readme_examples",
        description="Run every ```console example of README.md whose first line is `$ inference-roi …` and check "
        "its output against the block, or rewrite the blocks.",
    )
    parser.add_argument("--update", action="store_true", help="rewrite the example blocks from real runs")
    parser.add_argument("--readme", type=Path, default=README, help="the README to read (default: the project's)")
    args = parser.parse_args(argv)
    try:
        if args.update:
            changed = update(args.readme)
            print(f"{args.readme}: {changed} example block(s) rewritten")
            return 0
        problems = check(args.readme)
    except (OSError, ValueError, RuntimeError, subprocess.TimeoutExpired) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    if problems:
        print(f"\n{len(problems)} example(s) drifted; rewrite them with: python -m cli.readme_examples --update")
        return 1
    print(f"{args.readme}: every example matches")
    return 0


if __name__ == "__main__":
    sys.exit(main())
