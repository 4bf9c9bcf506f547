"""The bundled reference profiles (`profiling/reference/`): published sweeps converted with their citations.

Keyed by the path a bundled scenario gives them (relative to `scenarios/`), e.g.
`../profiling/reference/glm-5-h200-fp8.yaml`.
"""

from __future__ import annotations

from pathlib import Path

from profiling.schema import Profile, load_profile

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


def reference_profiles() -> dict[str, Profile]:
    """Every bundled profile by the name a scenario uses for it."""
    return {f"../profiling/reference/{p.name}": load_profile(p) for p in sorted(REFERENCE_DIR.glob("*.yaml"))}
