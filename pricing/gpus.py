"""The GPU sheet: hardware facts, rental offers and purchase prices, loaded from YAML."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field
from pydantic.dataclasses import dataclass

from datafiles import STRICT, InputError, parse_as, read_yaml

DATA_DIR = Path(__file__).parent / "data"

Term = Literal["on_demand", "reserved_1y", "reserved_3y", "spot"]
Basis = Literal["vendor", "third_party", "estimate", "measured"]
TERM_WORDS = {"on_demand": "on demand", "reserved_1y": "1-year reserved", "reserved_3y": "3-year reserved",
              "spot": "spot"}  # fmt: skip
BASIS_WORDS = {"vendor": "provider's price", "third_party": "tracker or reseller", "estimate": "our estimate",
               "measured": "measured"}  # fmt: skip
"""The sheet's codes in the words a reader sees (offer labels, the Prices page)."""
Positive = Annotated[float, Field(gt=0)]


@dataclass(config=STRICT)
class RentalOffer:
    provider: str
    term: Term
    usd_per_gpu_hour: Positive
    gpus_per_instance: Annotated[int, Field(ge=1)]
    basis: Basis
    source: str
    as_of: dt.date

    def label(self) -> str:
        """The offer in words. One GPU an instance is billing by the GPU (RunPod's pods come with 1 to 8 GPUs), not
        separate one-GPU machines: "in 1-GPU instances" read as an 8-GPU replica spread over eight of them (a
        reviewer).

        >>> offer = RentalOffer("RunPod (pods)", "spot", 3.59, 1, "third_party", "x", dt.date(2026, 3, 10))
        >>> offer.label()
        'spot $3.59/GPU-h billed by the GPU, RunPod (pods) (tracker or reseller, 2026-03-10)'
        >>> import dataclasses
        >>> dataclasses.replace(offer, gpus_per_instance=8).label().split(",")[0]
        'spot $3.59/GPU-h in 8-GPU instances'
        """
        unit = "billed by the GPU" if self.gpus_per_instance == 1 else f"in {self.gpus_per_instance}-GPU instances"
        return f"{TERM_WORDS[self.term]} ${self.usd_per_gpu_hour:.2f}/GPU-h {unit}, {self.provider} " \
               f"({BASIS_WORDS[self.basis]}, {self.as_of})"  # fmt: skip


@dataclass(config=STRICT)
class PurchaseOffer:
    server_usd: Positive
    gpus_per_server: Annotated[int, Field(ge=1)]
    server_power_kw: Positive
    basis: Basis
    source: str
    as_of: dt.date


@dataclass(config=STRICT)
class GpuType:
    id: str
    name: str
    memory_gib: Positive
    memory_bandwidth_tb_s: Positive
    bf16_tflop_s: Positive
    fp8_tflop_s: Positive | None
    tdp_w: Positive | None
    spec_source: str
    spec_as_of: dt.date
    offers: tuple[RentalOffer, ...]
    purchase: PurchaseOffer | None
    fp4_tflop_s: Positive | None = None
    """Dense FP4 tensor-core peak (Blackwell, MI355X); None where the GPU has no FP4 units."""

    def offers_for(self, term: Term) -> tuple[RentalOffer, ...]:
        return tuple(o for o in self.offers if o.term == term)

    def terms(self) -> tuple[str, ...]:
        """The pricing terms the sheet can price this GPU at, in TERM_WORDS' order: its rental offers' terms, and
        "owned" where it has a purchase price."""
        rented = tuple(t for t in TERM_WORDS if self.offers_for(t))  # type: ignore[arg-type]
        return (*rented, "owned") if self.purchase is not None else rented

    def offers_words(self) -> str:
        """What the sheet offers for this GPU, in words, each term and seller once: "3-year reserved from Neocloud;
        bought (a purchase price)"; "none" where it has no offer."""
        rented = [f"{TERM_WORDS[o.term]} from {o.provider}" for o in sorted(self.offers, key=lambda o: o.label())]
        return "; ".join([*dict.fromkeys(rented), *(["bought (a purchase price)"] if self.purchase else [])]) or "none"


@dataclass(config=STRICT)
class GpuSheet:
    sheet_version: Literal[1]
    gpus: tuple[GpuType, ...]

    def get(self, gpu_id: str, file: str = "gpus.yaml", field: str = "gpu") -> GpuType:
        for gpu in self.gpus:
            if gpu.id.lower() == gpu_id.lower():
                return gpu
        known = ", ".join(g.id for g in self.gpus)
        raise InputError(file, field, f"unknown GPU {gpu_id!r}; expected one of {known}")


def load_gpu_sheet(path: Path | str = DATA_DIR / "gpus.yaml") -> GpuSheet:
    sheet = parse_as(GpuSheet, read_yaml(path), str(path))
    ids = [g.id.lower() for g in sheet.gpus]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InputError(str(path), "gpus", f"duplicate GPU ids {dupes}; each id must appear once")
    return sheet
