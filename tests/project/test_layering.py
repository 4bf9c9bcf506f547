"""Layers point down (ARCHITECTURE.md): the engine and loaders never pull in the UI or the network client."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

CHECK = """
import json, sys
import {module}
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {banned!r})))
"""

UI = ["streamlit", "plotly"]


@pytest.mark.parametrize(
    ("module", "banned"),
    [
        ("tco", [*UI, "httpx"]),
        ("tco.decision.evaluate", [*UI, "httpx"]),
        ("pricing", [*UI, "httpx"]),
        ("models", [*UI, "httpx"]),
        ("scenario_io", [*UI, "httpx"]),
        ("profiling.schema", [*UI, "tco", "pricing", "models"]),
        # the profiler installs alone on a GPU host: httpx, pyyaml, pydantic, sniffio (uvloop optional)
        ("profiling.cli", [*UI, "tco", "pricing", "models", "numpy", "pandas", "genai_prices", "scenario_io"]),
        ("profiling.runner", [*UI, "tco", "pricing", "models", "numpy", "pandas", "genai_prices", "scenario_io"]),
        ("profiling.importers", [*UI, "tco", "pricing", "models", "numpy", "pandas", "genai_prices"]),
        ("cli.main", [*UI, "httpx"]),
        ("reports.exports", [*UI, "httpx", "cli", "argparse"]),
        ("usage.report", [*UI, "httpx", "pandas"]),  # DuckDB reads the files; only sums reach Python
    ],
)
def test_imports_point_down(module, banned):
    code = CHECK.format(module=module, banned=set(banned))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert json.loads(out) == []


def test_engine_does_no_file_or_network_io():
    """tco's modules never open files or sockets: no open(), Path.read_*, httpx, urllib or socket in the source."""
    forbidden = ("open(", "read_text", "read_bytes", "write_text", "urllib", "socket", "httpx", "streamlit")
    for path in (ROOT / "tco").rglob("*.py"):
        text = path.read_text()
        for word in forbidden:
            assert word not in text, f"{path.name} contains {word!r}"


def test_the_app_never_imports_the_command_line():
    """What both front ends show lives below them (reports/): ui/ and app_pages/ take nothing from cli/."""
    import ast

    for path in [
        *(ROOT / "ui").rglob("*.py"),
        *(ROOT / "app_pages").rglob("*.py"),
        ROOT / "app.py",
        ROOT / "app_session.py",
    ]:
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in getattr(node, "names", [])]
            )
            if isinstance(node, ast.Import | ast.ImportFrom):
                assert not any(n == "cli" or n.startswith("cli.") for n in names), (
                    f"{path.relative_to(ROOT)} imports cli"
                )
