"""One self-hosted option's replica: its GPUs, whether the model fits them, and X* for the class mix.

GPUs per replica come from the option (`given`), else the profile's GPU count (`profile`), else the
smallest tensor-parallel size whose memory fit succeeds (`memory_fit`). The memory fit is checked at
the workload's longest mean context (I + O); it caps the concurrency the model may be pushed to.
Prefix caching is on unless the option says otherwise or its profile's engine does not reuse
prefixes (ENGINES_WITH_PREFIX_CACHING); with it, cached input tokens are not prefilled.
An option that cannot be computed (fits nowhere, architecture unknown) carries `error` and the rest of
the scenario computes.

Without a profile, an option takes the same model measured on another configuration, transferred
(`tco.capacity.transfer`); a sibling architecture's measurement only for batch work; else the roofline at its
engine's calibration (`tco.capacity.roofline`). Under a latency bound a sibling's transfer answered further from
the truth than the calibrated roofline, which pools every interactive sweep of its engine family: left out
configuration by configuration (bench/capacity.py, 2026-12-04), X* was inside the bracket the measured levels allow
in 42 % of 119 bundled cases by the roofline (median error 12 %) against 14 % by a sibling's transfer (34 %). For
the same model the evidence is split: on InferenceX's published GLM-5 tables for 8 × B200 and 8 × H200 (SGLang,
MTP; bench/glm5_b200_published.py) the transfer from the bundled vLLM sweep put X* a median 20 % from the bracket,
the roofline 73 % (up to 2.1× high); on InferenceX's DeepSeek-R1 records transferred among themselves, 58 % against
41 %. The same model keeps its transfer.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.catalog import ModelCard
from pricing.gpus import GpuType
from tco.capacity.at_slo import Capacity, capacity_at_slo, combine_classes, estimated_capacity, workload_shape
from tco.capacity.fitting import fit_profile
from tco.capacity.layout import NODE_COUNTS, NODE_GPUS, Layout, internode_step_s, layout_for, smallest_layout
from tco.capacity.memory_fit import MemoryFit, card_fit
from tco.capacity.roofline import default_precision, estimated_model, fit_hints, gpu_ceiling
from tco.capacity.roofline_calibrations import calibration_for
from tco.capacity.shapes import level_shape
from tco.capacity.speculative import speculating, tokens_per_step
from tco.capacity.transfer import transferred_capacity, transferred_model
from tco.records.inputs import ResolvedSelfHosted
from tco.records.scenario import RequestClass, Slo

ENGINES_WITH_PREFIX_CACHING = ("vllm", "sglang", "tensorrt-llm", "trtllm", "tgi", "lmdeploy", "dynamo", "llm-d")


@dataclass(frozen=True)
class ReplicaCapacity:
    req_per_s: float | None
    """X* of the class mix (None: no load meets the SLO, or the option cannot be computed)."""
    slo_met: bool
    gpus_per_replica: int | None
    gpus_per_replica_source: str
    """given, profile or memory_fit."""
    method: str
    """measured, modelled, transferred or estimated: the weakest of the classes'."""
    basis: str
    expected_error: float | None
    max_concurrency: int | None
    prefill_share: float | None
    prefix_caching: bool
    memory: MemoryFit | None
    classes: tuple[Capacity, ...]
    notes: tuple[str, ...]
    context_tokens: float
    """The workload's longest mean context (I + O), where the memory fit is checked."""
    error: str | None = None
    layout: Layout | None = None
    """How the replica's GPUs are arranged (tensor, pipeline, expert parallel; nodes)."""
    expected_error_sides: tuple[float, float] | None = None
    """(below, above): the widest of the classes' on each side (`Capacity.error_sides`); the Monte Carlo draws X*
    within X* / (1 + below) … X* · (1 + above) at its 80 % range."""

    def summary(self) -> dict[str, object]:
        """The result contract's `capacity` object."""
        sides = self.expected_error_sides
        return {
            "method": self.method,
            "basis": self.basis,
            "expected_error": self.expected_error,
            "expected_error_sides": dict(zip(("below", "above"), sides, strict=True)) if sides else None,
            "gpus_per_replica_source": self.gpus_per_replica_source,
            "max_concurrency": self.max_concurrency,
            "prefix_caching": self.prefix_caching,
            "memory_fit": self.memory.explain(self.context_tokens) if self.memory else None,
            "transferred_from": next((c.transferred_from for c in self.classes if c.transferred_from), None),
            "layout": self.layout.summary() if self.layout else None,
        }


def prefix_caching_on(item: ResolvedSelfHosted) -> bool:
    if item.option.prefix_caching is not None:
        return item.option.prefix_caching
    if item.profile is None:
        return True
    engine = item.profile.meta.engine.lower()
    return any(e in engine for e in ENGINES_WITH_PREFIX_CACHING)


def _precision(item: ResolvedSelfHosted) -> str | None:
    if item.option.precision:
        return item.option.precision
    if item.profile is not None and item.profile.meta.precision:
        return item.profile.meta.precision
    return default_precision(item.gpu) if item.gpu else None


def _failed(
    item: ResolvedSelfHosted,
    source: str,
    caching: bool,
    error: str,
    memory: MemoryFit | None = None,
    context: float = 0.0,
) -> ReplicaCapacity:
    return ReplicaCapacity(
        req_per_s=None,
        slo_met=False,
        gpus_per_replica=item.gpus_per_replica,
        gpus_per_replica_source=source,
        method="none",
        basis="none",
        expected_error=None,
        max_concurrency=memory.max_concurrency if memory else None,
        prefill_share=None,
        prefix_caching=caching,
        memory=memory,
        classes=(),
        notes=(error,),
        context_tokens=context,
        error=error,
    )


def plausibility_notes(item: ResolvedSelfHosted, precision: str | None) -> list[str]:
    """Levels measured above the physical ceiling (tco.capacity.roofline)."""
    if item.profile is None or item.card is None or item.gpu is None or precision is None:
        return []
    notes = []
    gpus = item.profile.meta.gpu_count
    for i, level in enumerate(item.profile.levels):
        shape = level_shape(level, item.profile.meta.cached_input_share)
        ceiling = gpu_ceiling(item.card, item.gpu, gpus, precision, shape, level.concurrency)
        if ceiling is not None and level.req_per_s > ceiling:
            notes.append(
                f"implausible: profile level {i} reports {level.req_per_s:,.3g} req/s, above the physical ceiling "
                f"of {ceiling:,.3g} req/s for {item.card.id} on {gpus} x {item.gpu.id} at {shape.label()}"
            )
    return notes


def replica_capacity(item: ResolvedSelfHosted, slo: Slo, classes: tuple[RequestClass, ...]) -> ReplicaCapacity:
    caching = prefix_caching_on(item)
    precision = _precision(item)
    context = max(c.input_tokens + c.output_tokens for c in classes)
    gpus, source = item.gpus_per_replica, item.gpus_per_replica_source
    memory = None
    card, gpu = item.card, item.gpu
    if card is not None and gpu is not None and precision is not None and card.total_params_b is not None:
        if gpus is None:
            memory, fitted_layout = smallest_layout(card, gpu.memory_gib, precision, context)
            if fitted_layout is None:
                return _failed(
                    item,
                    "memory_fit",
                    caching,
                    f"{item.option.id}: {card.id} does not fit {max(NODE_COUNTS)} nodes of {NODE_GPUS} x {gpu.id} "
                    f"(the largest layout tried, {layout_for(card, memory.gpus).label()}) at {precision}: "
                    f"{memory.explain(context)}",
                    memory,
                    context,
                )
            gpus, source = memory.gpus, "memory_fit"
        else:
            memory = card_fit(card, gpu.memory_gib, gpus, precision, context)
            if not memory.fits and item.profile is None:
                return _failed(
                    item,
                    source,
                    caching,
                    f"{item.option.id}: {card.id} does not fit {gpus} x {gpu.id} at "
                    f"{precision}: {memory.explain(context)}",
                    memory,
                    context,
                )
    if gpus is None:
        why = "model architecture not in the catalogue" if card is None or card.total_params_b is None else "no GPU"
        return _failed(item, "none", caching, f"{item.option.id}: gpus_per_replica not given and no memory fit ({why})")
    max_conc = memory.max_concurrency if memory is not None else None
    notes: list[str] = []
    if source == "memory_fit" and memory is not None:
        notes.append(f"{gpus} GPUs a replica, the fewest it fits on, from the memory fit: {memory.explain(context)}")
    layout = layout_for(card, gpus)
    if layout.nodes > 1:
        hop = internode_step_s(card.layers if card else None, layout.nodes)
        notes.append(
            f"multi-node replica: {layout.label()}; each decode step crosses nodes twice per layer "
            f"(+{hop * 1e3:.2g} ms a step in an estimate; a profile measured on this layout already holds it)"
        )
    engine = item.profile.meta.engine if item.profile is not None else item.option.engine
    accepted = tokens_per_step(item.option.speculative_decoding, item.option.accepted_tokens_per_step)
    notes.extend(_speculation_notes(item, accepted))
    hints = fit_hints(card, gpu, gpus, precision, context, engine)
    model = fit_profile(item.profile, hints) if item.profile is not None else None

    def no_profile_capacity(cls: RequestClass, bounds: Slo, card: ModelCard, gpu: GpuType, precision: str) -> Capacity:
        """The same model measured elsewhere, transferred (`tco.capacity.transfer`); a sibling architecture only
        for batch work; else the roofline at the engine's calibration (module docstring)."""
        shape = workload_shape(cls, caching)
        bounded = bool(bounds.bounds()) and cls.batch_share < 1
        refs = [r for r in item.references if not bounded or r.card.id.lower() == card.id.lower()]
        moved = transferred_model(card, gpu, gpus, precision, shape, refs, max_conc, bounded, engine, accepted)
        if moved is not None:
            return transferred_capacity(moved, bounds, cls, caching)
        estimate = estimated_model(card, gpu, gpus, precision, shape, calibration_for(cls, bounds, engine, gpu.id))
        unknown = f"no roofline for {card.id}: architecture unknown"
        return estimated_capacity(speculating(estimate, accepted), bounds, cls, caching, unknown)

    def class_capacities(bounds: Slo) -> list[Capacity]:
        if item.profile is not None:
            return [capacity_at_slo(item.profile, bounds, c, caching, max_conc, model) for c in classes]
        if card is not None and gpu is not None and precision is not None:
            return [no_profile_capacity(c, bounds, card, gpu, precision) for c in classes]
        return [
            Capacity(
                None,
                None,
                "estimated",
                "estimated",
                None,
                notes=("no profile and model not in catalogue: no estimate",),
            )
        ]

    caps = class_capacities(slo)
    shares = [c.share for c in classes]
    x = combine_classes(caps, shares)
    slo_met = x is not None
    if x is None:  # report the cost anyway (never hide it), ignoring latency
        unbounded = class_capacities(Slo())
        if combine_classes(unbounded, shares) is not None:
            caps, x = unbounded, combine_classes(unbounded, shares)
            notes.append("SLO NOT MET: sized at the highest throughput, ignoring latency bounds")
    for cap in caps:
        notes.extend(n for n in cap.notes if n not in notes)
    notes.extend(plausibility_notes(item, precision))
    known = [c.prefill_share for c in caps]
    prefill = sum(s * w for s, w in zip(known, shares, strict=True)) if None not in known else None  # type: ignore[misc]
    methods = [c.method for c in caps]
    method = next((m for m in ("estimated", "transferred", "modelled") if m in methods), "measured")
    errors = [c.expected_error for c in caps if c.expected_error is not None]
    sides = [side for c in caps if (side := c.error_sides()) is not None]
    error = None
    if x is None:
        reasons = "; ".join(n for c in caps for n in c.notes)
        error = f"{item.option.id}: no capacity for this workload: {reasons}"
    return ReplicaCapacity(
        req_per_s=x,
        slo_met=slo_met,
        gpus_per_replica=gpus,
        gpus_per_replica_source=source,
        method=method,
        basis=caps[0].basis,
        expected_error=max(errors) if errors else None,
        max_concurrency=max_conc,
        prefill_share=prefill,
        prefix_caching=caching,
        memory=memory,
        classes=tuple(caps),
        notes=tuple(notes),
        context_tokens=context,
        error=error,
        layout=layout,
        expected_error_sides=(max(b for b, _ in sides), max(a for _, a in sides)) if sides else None,
    )


def _speculation_notes(item: ResolvedSelfHosted, accepted: float | None) -> list[str]:
    """What the option's speculative decoding changes: an estimate's or a transfer's decode steps
    (`tco.capacity.speculative`); a profile's levels already hold whatever its server ran, so there a difference is
    only named."""
    option, profile = item.option, item.profile
    if profile is not None:
        ran = profile.meta.speculative_decoding
        if (option.speculative_decoding or None) != (ran or None):
            return [
                f"speculative decoding: the option says {option.speculative_decoding or 'none'}, the profile was "
                f"measured with {ran or 'none'}; its measured levels are used as they are"
            ]
        return []
    if accepted is None:
        return []
    source = "the option's figure" if option.accepted_tokens_per_step else "fitted on published MTP sweeps"
    return [
        f"speculative decoding ({option.speculative_decoding}): decode steps yield {accepted:g} tokens each "
        f"({source}; tco.capacity.speculative), so a step's weight and KV reads are shared by them"
    ]
