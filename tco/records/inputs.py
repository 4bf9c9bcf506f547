"""A scenario with every reference resolved: prices per month, profiles, GPU offers, catalogue cards.

Built at the edge (`scenario_io`), from files; the engine only reads these records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.catalog import ModelCard, Retirement
from pricing.gpus import GpuType, RentalOffer
from pricing.records import ApiPrice
from profiling.schema import Profile
from tco.records.scenario import ApiOption, DistilledOption, Ownership, Scenario, SelfHostedOption


@dataclass(frozen=True)
class ResolvedApi:
    option: ApiOption
    prices: tuple[ApiPrice, ...]
    """One price card per month of the horizon (history and scheduled changes applied)."""
    card: ModelCard | None
    retirement: Retirement | None = None
    """The model's or this endpoint's announced retirement, when it falls before the horizon ends."""


@dataclass(frozen=True)
class ResolvedDistillation:
    """A distilled option's project with its references resolved: the student's size, the teacher's index in
    the scenario's options, the training GPU and its price."""

    option: DistilledOption
    teacher_index: int
    total_params_b: float
    active_params_b: float
    train_gpu: GpuType
    usd_per_gpu_hour: float | None
    """None when a fine-tuning API trains it (project.fine_tune_usd_per_mtok)."""
    gpus_per_instance: int
    price_label: str


@dataclass(frozen=True)
class ReferenceProfile:
    """A bundled measured profile whose model and GPU are catalogued: what `tco.capacity.transfer` may scale to a
    configuration nobody measured."""

    name: str
    """Its file, as a scenario would name it (e.g. `../profiling/reference/glm-5-h200-fp8.yaml`)."""
    profile: Profile
    card: ModelCard
    gpu: GpuType


@dataclass(frozen=True)
class ResolvedSelfHosted:
    option: SelfHostedOption
    card: ModelCard | None
    profile: Profile | None
    profile_name: str | None
    gpu: GpuType | None
    gpus_per_replica: int | None
    """None: the memory fit chooses (tco.capacity.replica_capacity)."""
    gpus_per_replica_source: str
    """given (the option), profile (its GPU count) or none (left to the memory fit)."""
    unit_gpus: int
    """GPUs billed together: the offer's instance size, or the owned server size."""
    usd_per_gpu_hour: float | None
    """Rented price before the spot overhead; None when owned."""
    price_label: str
    ownership: Ownership | None
    """Owned: every field filled (from the option or the GPU sheet)."""
    offers: tuple[RentalOffer, ...] = ()
    """Sheet offers: the candidates for this term (the engine picks the cheapest for the whole fleet)."""
    distillation: ResolvedDistillation | None = None
    """A distilled student: the project paid before it serves (`option` is then its serving option)."""
    references: tuple[ReferenceProfile, ...] = ()
    """Measured configurations to transfer from when the option has no profile (bundled; empty: roofline only)."""


ResolvedOption = ResolvedApi | ResolvedSelfHosted


@dataclass(frozen=True)
class ScenarioInputs:
    scenario: Scenario
    options: tuple[ResolvedOption, ...]
    month_starts: tuple[dt.date, ...]
    price_data_version: str
    source_file: str
