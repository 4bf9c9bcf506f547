"""The project stands alone: no file points a user at notes outside the repository (a team's design document,
research notes, a sibling `shared/` folder), which a user who clones it does not have."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import ROOT

OUTSIDE = re.compile(r"\.\./shared|\bshared/(DESIGN|STYLE|research)|\bresearch/[\w.-]+\.md|\bDESIGN\.md|\bSTYLE\.md")
"""Pointers to documents that live outside the repository."""
CHECKED = (".py", ".md", ".yaml", ".yml", ".toml", ".csv", ".json", ".txt")


def tracked_files() -> list[str]:
    out = subprocess.run(["git", "ls-files"], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    return [name for name in out.splitlines() if name.endswith(CHECKED) and not name.startswith("test-artifacts/")]


def test_no_file_points_outside_the_repository():
    this = "tests/project/test_stands_alone.py"
    found = [
        f"{name}:{n}: {line.strip()[:100]}"
        for name in tracked_files()
        if name != this and (ROOT / name).is_file()
        for n, line in enumerate((ROOT / name).read_text(errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert not found, "\n".join(found)


def test_the_pattern_finds_each_kind_of_pointer():
    for line in ("see ../shared/DESIGN.md", "(research/pricing.md 5)", "DESIGN.md's definition", "STYLE.md, layering"):
        assert OUTSIDE.search(line), line
    assert not OUTSIDE.search("docs/formats.md and ARCHITECTURE.md")
