"""ruff is part of the test command, so a style or layering (banned-import) slip fails CI."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_ruff_clean():
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--output-format", "concise", "."],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_bans_streamlit_in_the_engine(tmp_path):
    """The layering rule itself works: a streamlit import in tco/ is reported."""
    probe = ROOT / "tco" / "_layering_probe.py"
    probe.write_text("import streamlit\n")
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "ruff", "check", "--select", "TID251", str(probe)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    finally:
        probe.unlink()
    assert proc.returncode == 1 and "streamlit" in proc.stdout, (proc.stdout, sys.executable)
