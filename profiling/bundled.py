"""The bundled reference profiles (`profiling/reference/`): published sweeps converted with their citations.

Keyed by the path a bundled scenario gives them (relative to `scenarios/`), e.g.
`../profiling/reference/glm-5-h200-fp8.yaml`.
"""

from __future__ import annotations

import functools
from pathlib import Path

from profiling.schema import Profile, load_profile

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


def reference_profiles() -> dict[str, Profile]:
    """Every bundled profile by the name a scenario uses for it (a new dict each call; the profiles are frozen)."""
    return dict(_read())


@functools.cache
def _read() -> tuple[tuple[str, Profile], ...]:
    """Read once per process: the catalogues (transfers) and the app's profile list both need them, and parsing the
    bundled YAML is ~0.2 s of the app's warm-up on 2 cores."""
    return tuple((f"../profiling/reference/{p.name}", load_profile(p)) for p in sorted(REFERENCE_DIR.glob("*.yaml")))
