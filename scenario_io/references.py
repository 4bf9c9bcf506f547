"""Where a scenario's file references come from: `profile`, `serving.profile`, `eval.file`, `api_overrides`.

Two sources, one rule each:

- **on disk** (`References.on_disk(folder)`): a scenario file a user opened on their own machine (the command
  line) names files relative to itself, as a Makefile does; the user chose the scenario, so its paths are theirs.
- **an allow-list** (`References.allow_list(...)`): a scenario that arrived by a share link or an upload (the
  app) is untrusted. It may name only what the session was given: a bundled file by the name bundled scenarios
  use (`../profiling/reference/….yaml`, `../pricing/data/api_overrides.yaml`) or a file uploaded in this
  session, by its upload name. Anything else — an absolute path, `../../etc/passwd`, `/proc/self/environ`, a
  FIFO, another session's temporary file — is refused before any file is opened, with one line that names the
  reference (escaped, shortened) and never the content of any file.

Uploads live in each session's own state, so one session's names never resolve in another.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from datafiles import InputError
from datafiles.errors import excerpt
from evals.importers import import_eval
from evals.records import EvalSummary
from profiling.schema import Profile, load_profile

T = TypeVar("T")

_WHERE_TO_UPLOAD = {
    "profile": "upload it on the Throughput page and pick it by name",
    "eval": "import it on the Quality page, then name it by its file name",
    "price overrides file": "add the rows on the Prices page instead",
}


@dataclass(frozen=True)
class References:
    """Resolves a scenario's file references. `folder` set: unknown names are paths relative to it (trusted).
    `folder` None: only `bundled` (name -> file) and the already-read `profiles` / `evals` resolve."""

    folder: Path | None
    bundled: Mapping[str, Path] = field(default_factory=dict)
    profiles: Mapping[str, Profile] = field(default_factory=dict)
    evals: Mapping[str, tuple[EvalSummary, ...]] = field(default_factory=dict)

    @classmethod
    def on_disk(cls, folder: Path, profiles: Mapping[str, Profile] | None = None) -> References:
        return cls(folder=folder, profiles=dict(profiles or {}))

    @classmethod
    def allow_list(
        cls,
        bundled: Mapping[str, Path],
        profiles: Mapping[str, Profile],
        evals: Mapping[str, tuple[EvalSummary, ...]],
    ) -> References:
        return cls(folder=None, bundled=dict(bundled), profiles=dict(profiles), evals=dict(evals))

    def path(self, ref: str, what: str) -> Path:
        """The file a reference names, or an `InputError` when an untrusted scenario names anything not allowed."""
        if ref in self.bundled:
            return self.bundled[ref]
        if self.folder is None:
            raise InputError(
                excerpt(ref), "", f"is neither a bundled {what} nor one uploaded in this session; "
                + _WHERE_TO_UPLOAD.get(what, "upload it first"),
            )  # fmt: skip
        path = Path(ref)
        return path if path.is_absolute() else self.folder / path

    def profile(self, ref: str) -> Profile:
        if ref in self.profiles:
            return self.profiles[ref]
        return load_profile(self.path(ref, "profile"))

    def eval_rows(self, ref: str) -> list[EvalSummary]:
        if ref in self.evals:
            return list(self.evals[ref])
        return import_eval(str(self.path(ref, "eval")))

    def overrides_path(self, ref: str) -> Path:
        return self.path(ref, "price overrides file")


def pointed_at(file: str, field_name: str, load: Callable[[], T]) -> T:
    """Load a file a scenario field points at; its error names the scenario file and the field first:
    `scenario.yaml: options[1].profile: /data/nope.yaml: file not found`."""
    try:
        return load()
    except InputError as err:
        raise InputError(file, field_name, str(err)) from None
