"""The options a scenario compares: an API, or open weights self-hosted on rented or owned GPUs.

Both carry a `TaskFit`: how good the model is at *this* task and how many tokens it spends on it —
quality records, an eval's success rate, and its own output tokens per request (models differ
several-fold in reasoning tokens for the same task; cost per task is what a team pays).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic.dataclasses import dataclass

from datafiles import STRICT
from models.quality import QualityRecord
from tco.units import Kw, Term, Tokens, Usd


@dataclass(config=STRICT)
class EvalRef:
    """An eval result file (ours, lm-eval, Inspect, promptfoo, OpenAI evals, DeepEval) to take the success rate
    and tokens per task from; `model` / `task` pick one row when the file holds several. Resolved at load."""

    file: str
    model: str | None = None
    task: str | None = None


@dataclass(config=STRICT, kw_only=True)
class TaskFit:
    """Per-option task fit. `output_tokens` replaces the workload's mean output tokens (reasoning included) for
    this option; `output_tokens_multiplier` scales every class's instead. `success_n` is how many tasks the
    success rate was measured on (it gives the rate's interval)."""

    quality: tuple[QualityRecord, ...] = ()
    success_rate: Annotated[float, Field(gt=0, le=1)] | None = None
    success_n: Annotated[int, Field(ge=1, le=10**9)] | None = None
    output_tokens: Tokens | None = None
    output_tokens_multiplier: Annotated[float, Field(ge=0.01, le=100)] | None = None
    eval: EvalRef | None = None

    @model_validator(mode="after")
    def _one_token_rule(self) -> TaskFit:
        if self.output_tokens is not None and self.output_tokens_multiplier is not None:
            raise ValueError("give output_tokens or output_tokens_multiplier, not both")
        return self


@dataclass(config=STRICT)
class Ownership:
    """An owned server fleet. Fields left out come from the GPU sheet's purchase entry for `gpu`."""

    server_usd: Annotated[float, Field(ge=1, le=1e9)] | None = None
    gpus_per_server: Annotated[int, Field(ge=1, le=1024)] | None = None
    power_kw: Kw | None = None
    """Average draw per server while serving (energy); default: nameplate × the GPU load factor 0.7."""
    provisioned_kw: Kw | None = None
    """Power the colocation contract provisions per server (colocation is billed on it); default: nameplate."""
    life_years: Annotated[float, Field(ge=1 / 12, le=15)] = 4.0
    residual_share: Annotated[float, Field(ge=0, lt=1)] = 0.2
    pue: Annotated[float, Field(ge=1, le=3)] = 1.3
    usd_per_kwh: Annotated[float, Field(ge=0, le=100)] = 0.10
    colo_usd_per_kw_month: Annotated[float, Field(ge=0, le=1e5)] = 200.0
    maintenance_share_per_year: Annotated[float, Field(ge=0, le=1)] = 0.05


@dataclass(config=STRICT)
class RunningCosts:
    """Costs of a self-hosted option beyond GPUs and staff (rented or owned), each default in tco.defaults."""

    license_usd_per_gpu_year: Annotated[float, Field(ge=0, le=1e7)] = 0.0
    storage_usd_per_month: Usd = 0.0
    egress_usd_per_gb: Annotated[float, Field(ge=0, le=1e3)] = 0.0
    egress_bytes_per_output_token: Annotated[float, Field(ge=0, le=1e7)] = 200.0


@dataclass(config=STRICT, kw_only=True)
class ApiOption(TaskFit):
    id: str
    kind: Literal["api"]
    provider: str
    model: str
    fixed_usd_per_month: Usd | None = None
    implementation_usd: Usd = 0.0


@dataclass(config=STRICT, kw_only=True)
class SelfHostedOption(TaskFit):
    """Open weights on GPUs: priced by `usd_per_gpu_hour`, a sheet offer (`gpu` + `term`), or `ownership`."""

    id: str
    kind: Literal["self_hosted"]
    model: str
    profile: str | None = None
    gpu: str | None = None
    gpus_per_replica: Annotated[int, Field(ge=1, le=1024)] | None = None
    usd_per_gpu_hour: Annotated[float, Field(ge=1e-6, le=1e4)] | None = None
    term: Term | None = None
    offer_provider: str | None = None
    ownership: Ownership | None = None
    autoscale: bool = False
    spot_preemption_overhead: Annotated[float, Field(ge=0, le=1)] = 0.10
    fixed_usd_per_month: Usd | None = None
    implementation_usd: Usd = 0.0
    running_costs: RunningCosts = RunningCosts()
    prefix_caching: bool | None = None
    """Whether the engine reuses cached prefixes; default: on for vLLM, SGLang, TensorRT-LLM, TGI."""
    precision: Literal["fp4", "nvfp4", "mxfp4", "int4", "fp8", "int8", "bf16", "fp16"] | None = None
    """Weight precision; default: the profile's, else fp8 where the GPU has it, else bf16."""

    @model_validator(mode="after")
    def _one_price_basis(self) -> SelfHostedOption:
        bases = [self.usd_per_gpu_hour is not None, self.term is not None, self.ownership is not None]
        if sum(bases) != 1:
            raise ValueError("give exactly one of usd_per_gpu_hour, term (with gpu) or ownership")
        if self.term is not None and self.gpu is None:
            raise ValueError("term needs gpu: the GPU sheet entry whose offers to use")
        if self.autoscale and (self.ownership is not None or self.term in ("reserved_1y", "reserved_3y")):
            raise ValueError("autoscale only lowers cost for on-demand or spot rentals, not reserved or owned GPUs")
        if self.profile is None and self.gpu is None:
            raise ValueError("give a profile (measured throughput) or a gpu (for a roofline estimate)")
        return self

    @property
    def ownership_kind(self) -> Literal["rented", "owned"]:
        return "owned" if self.ownership is not None else "rented"


Option = Annotated[ApiOption | SelfHostedOption, Field(discriminator="kind")]
