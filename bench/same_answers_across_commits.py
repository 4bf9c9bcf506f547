"""Does a refactor change any answer? `inference-roi compare --format json` on every bundled scenario, here and
at an earlier commit, compared byte for byte.

    python bench/same_answers_across_commits.py REV

REV's tree is checked out into a temporary folder (`git worktree`) and its own code runs there, on its own
bundled scenarios; the two outputs of each scenario must be identical. Prints one line a scenario and exits 1 on
any difference (with the first differing line).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN = "import sys; sys.path.insert(0, '.'); from cli.main import main; sys.exit(main(sys.argv[1:]))"


def compare_json(tree: Path, scenario: str) -> bytes:
    done = subprocess.run(
        [sys.executable, "-c", RUN, "compare", f"scenarios/{scenario}", "--format", "json"],
        cwd=tree,
        capture_output=True,
        check=False,
    )
    return done.stdout + done.stderr + f"exit {done.returncode}".encode()


def main() -> int:
    rev = sys.argv[1]
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder) / "before"
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(tree), rev], cwd=ROOT, check=True)
        try:
            differ = 0
            for path in sorted((ROOT / "scenarios").glob("*.yaml")):
                before, after = compare_json(tree, path.name), compare_json(ROOT, path.name)
                same = before == after
                differ += not same
                print(f"{'same' if same else 'DIFFERENT'}  {path.name}  ({len(after):,} bytes)")
                if not same:
                    first = next(
                        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=False) if a != b
                    )
                    print(f"    before: {first[0][:150]!r}\n    after:  {first[1][:150]!r}")
            return 1 if differ else 0
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)


if __name__ == "__main__":
    sys.exit(main())
