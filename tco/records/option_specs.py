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
from tco.records.units import Kw, Label, Share, Term, Tokens, Usd


@dataclass(config=STRICT)
class EvalRef:
    """An eval result file (ours, lm-eval, Inspect, promptfoo, OpenAI evals, DeepEval) to take the success rate
    and tokens per task from; `model` / `task` pick one row when the file holds several. Resolved at load."""

    file: str
    model: str | None = None
    task: str | None = None


@dataclass(config=STRICT)
class Escalation:
    """A cascade: this option answers first and hands `share` of its requests on to option `to` (the share it
    fails: your eval's failure rate, named in `source`). The best mix (`portfolio`) may use it."""

    to: str
    share: Annotated[float, Field(gt=0, le=1)]
    source: str = ""


@dataclass(config=STRICT, kw_only=True)
class TaskFit:
    """Per-option task fit. `output_tokens` replaces the workload's mean output tokens (reasoning included) for
    this option; `output_tokens_multiplier` scales every class's instead. `success_n` is how many tasks the
    success rate was measured on (it gives the rate's interval)."""

    quality: tuple[QualityRecord, ...] = ()
    success_rate: Annotated[float, Field(ge=0, le=1)] | None = None
    success_n: Annotated[int, Field(ge=1, le=10**9)] | None = None
    output_tokens: Tokens | None = None
    output_tokens_basis: str | None = None
    """Where `output_tokens` comes from, said beside it: e.g. "vendor: gpt-oss model card, high reasoning" or
    "estimate"; an eval that fills `output_tokens` sets "measured by your eval (<file>)"."""
    output_tokens_multiplier: Annotated[float, Field(ge=0.01, le=100)] | None = None
    eval: EvalRef | None = None
    escalation: Escalation | None = None

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
    """Costs of a self-hosted option beyond GPUs and staff (rented or owned), each default in tco.records.defaults."""

    license_usd_per_gpu_year: Annotated[float, Field(ge=0, le=1e7)] = 0.0
    storage_usd_per_month: Usd = 0.0
    egress_usd_per_gb: Annotated[float, Field(ge=0, le=1e3)] = 0.0
    egress_bytes_per_output_token: Annotated[float, Field(ge=0, le=1e7)] = 200.0


@dataclass(config=STRICT, kw_only=True)
class ApiOption(TaskFit):
    id: Label
    kind: Literal["api"]
    provider: str
    model: str
    fixed_usd_per_month: Usd | None = None
    implementation_usd: Usd = 0.0


@dataclass(config=STRICT, kw_only=True)
class Serving:
    """How open weights are served on GPUs: priced by `usd_per_gpu_hour`, a sheet offer (`gpu` + `term`), or
    `ownership`; capacity from a measured `profile` or a roofline estimate on `gpu`."""

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
    engine: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    """The serving engine (vllm, sglang, trt-llm, atom): with no profile it picks the roofline's calibration
    (`tco.capacity.roofline_calibrations.serving_calibration`); default: the profile's, else vLLM's."""
    speculative_decoding: Literal["mtp", "eagle", "eagle3", "draft_model", "ngram", "medusa"] | None = None
    """Speculative decoding the server will run: with no profile the roofline's decode steps yield
    `accepted_tokens_per_step` tokens (`tco.capacity.speculative`); a profile already holds its own."""
    accepted_tokens_per_step: Annotated[float, Field(ge=1, le=16)] | None = None
    """Mean tokens a decode step keeps with speculative decoding (the engine's "accept length"); default: the
    figure fitted on published sweeps (`tco.capacity.speculative.TOKENS_PER_STEP`)."""

    @model_validator(mode="after")
    def _one_price_basis(self) -> Serving:
        bases = [self.usd_per_gpu_hour is not None, self.term is not None, self.ownership is not None]
        if sum(bases) != 1:
            raise ValueError("give exactly one of usd_per_gpu_hour, term (with gpu) or ownership")
        if self.term is not None and self.gpu is None:
            raise ValueError("term needs gpu: the GPU sheet entry whose offers to use")
        if self.autoscale and (self.ownership is not None or self.term in ("reserved_1y", "reserved_3y")):
            raise ValueError("autoscale only lowers cost for on-demand or spot rentals, not reserved or owned GPUs")
        if self.profile is None and self.gpu is None:
            raise ValueError("give a profile (measured throughput) or a gpu (for a roofline estimate)")
        if self.accepted_tokens_per_step is not None and self.speculative_decoding is None:
            raise ValueError("accepted_tokens_per_step needs speculative_decoding (mtp, eagle3, …) to apply to")
        return self

    @property
    def ownership_kind(self) -> Literal["rented", "owned"]:
        return "owned" if self.ownership is not None else "rented"


@dataclass(config=STRICT, kw_only=True)
class SelfHostedOption(TaskFit, Serving):
    """Open weights on GPUs (`Serving`), as they are."""

    id: Label
    kind: Literal["self_hosted"]
    model: str


@dataclass(config=STRICT)
class Student:
    """The model trained: a catalogue model, or one given by size (billions of parameters; MoE: active ones)."""

    model: str | None = None
    params_b: Annotated[float, Field(gt=0, le=1e5)] | None = None
    active_params_b: Annotated[float, Field(gt=0, le=1e5)] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Student:
        if (self.model is None) == (self.params_b is None):
            raise ValueError("give the student's model (a catalogue id) or its size in params_b, not both")
        if self.active_params_b is not None and self.params_b is None:
            raise ValueError("active_params_b goes with params_b (a catalogue model has its own)")
        if self.params_b is not None and self.active_params_b is not None and self.active_params_b > self.params_b:
            raise ValueError("active_params_b cannot exceed params_b")
        return self


@dataclass(config=STRICT, kw_only=True)
class DistillProject:
    """The one-time project (tco.cost.distillation): teacher data, training, evaluation, optionally redone."""

    examples: Annotated[int, Field(ge=1, le=10**10)]
    prompt_tokens: Tokens
    completion_tokens: Tokens
    """Per example, reasoning traces included."""
    epochs: Annotated[float, Field(gt=0, le=100)] = 3.0
    method: Literal["full", "lora"] = "full"
    gpu: str | None = None
    """GPU sheet entry of the training cluster (its dense BF16 peak and memory); default: the serving GPU."""
    usd_per_gpu_hour: Annotated[float, Field(ge=1e-6, le=1e4)] | None = None
    """Default: the GPU sheet's cheapest on-demand offer for `gpu` (and its instance size)."""
    gpus_per_instance: Annotated[int, Field(ge=1, le=1024)] | None = None
    """GPUs rented together; default: the sheet offer's, else 8."""
    gpus: Annotated[int, Field(ge=1, le=100_000)] | None = None
    """Training GPUs wanted (a faster run); never fewer than the memory floor."""
    mfu: Annotated[float, Field(ge=0.005, le=1)] | None = None
    """Default by method and architecture: tco.cost.distillation.default_mfu."""
    fine_tune_usd_per_mtok: Annotated[float, Field(ge=0, le=1e4)] | None = None
    """Train through a fine-tuning API at this price per Mtok of training tokens instead of on GPUs."""
    batch_share: Share = 0.0
    """Share of the teacher data generated at the teacher API's batch price."""
    eval_usd: Usd = 0.0
    eval_tasks: Annotated[int, Field(ge=0, le=10**9)] = 0
    """Workload requests run on the teacher to compare it with the student (priced at the teacher's cost)."""
    redistill_every_months: Annotated[int, Field(ge=1, le=120)] | None = None

    @model_validator(mode="after")
    def _one_training_basis(self) -> DistillProject:
        if self.fine_tune_usd_per_mtok is not None and (
            self.usd_per_gpu_hour is not None or self.gpus is not None or self.mfu is not None
        ):
            raise ValueError("fine_tune_usd_per_mtok prices training per token: leave out usd_per_gpu_hour, gpus, mfu")
        return self


@dataclass(config=STRICT, kw_only=True)
class DistilledOption(TaskFit):
    """A student trained on a teacher's outputs (`teacher`: another option's id), then served like any
    self-hosted option (`serving`). Its task fit (success rate, eval) is the student's."""

    id: Label
    kind: Literal["distilled"]
    student: Student
    teacher: str
    project: DistillProject
    serving: Serving

    @property
    def model(self) -> str:
        """The served model's name: the catalogue id, or the option's id for a student given by size."""
        return self.student.model or self.id

    def serving_option(self) -> SelfHostedOption:
        """The student as a self-hosted option: this option's id and task fit, served as `serving` says."""
        fit = {f: getattr(self, f) for f in TaskFit.__dataclass_fields__}
        serving = {f: getattr(self.serving, f) for f in Serving.__dataclass_fields__}
        return SelfHostedOption(id=self.id, kind="self_hosted", model=self.model, **fit, **serving)


Option = Annotated[ApiOption | SelfHostedOption | DistilledOption, Field(discriminator="kind")]
