"""A performance model of one replica (fitted to a profile's levels by `tco.capacity.fitting`).

Continuous-batching engines (vLLM, SGLang, TensorRT-LLM) spend GPU time on a request in two
phases: prefill of its uncached input tokens, and one decode step per output token, shared with
every other running sequence. With `c` requests in flight, the replica's GPU-seconds per request are

    τ(c) = π·I_u + b·O + g·O·L + a·O/c                                   (1)

- `I_u` uncached input tokens (input × (1 − cached share): prefix-cache hits are not prefilled),
- `O` output tokens, `L = I + O/2` the mean context a decode step reads from the KV cache,
- `π` prefill seconds per token, `b` decode seconds per token, `g` decode seconds per token per
  context token (KV reads and attention grow with context), `a` the fixed cost of one decode step
  (reading the weights), shared by the `c` sequences of the batch.

Throughput is X(c) = 1/τ(c) requests/s (GPU time adds up: the replica finishes one request every
τ seconds), and by Little's law the mean request latency is E2E(c) = c·τ(c). Offline figures
(trtllm-bench, no concurrency) are the c → c_max limit, where a·O/c is absorbed into g because the
memory-limited batch shrinks as the context grows. TTFT p50 is fitted as
t0 + t1·I_u + t2·c·I_u + t3·c²·I_u (prefill plus queueing behind others' prefills; with one input length the
slope t1 comes from the hardware when the caller knows it, and t0 holds the rest; with one concurrency measured,
t0 keeps one decode step and the rest becomes s·c, a wait per request in flight); ITL p50 is
(E2E p50 − TTFT p50)/(O − 1), docs/formats.md's definition; p90/p99 are the p50 times (1 + c)^k, k fitted on the
profile's own levels (`tail_exponents`: no tail without a queue, and one that grows with load). That smooth surface
is then corrected toward the profile's own levels (`tco.capacity.residuals`), so tails follow the levels where they
were measured.

Worked example: a replica with π = 0.1 ms, b = 2 ms, g = 0, a = 20 ms serves 1,000 in / 200 out at
concurrency 10 in τ = 0.1 + 0.4 + 0.4 = 0.9 s, i.e. 1.11 req/s, with E2E = 9 s:

>>> m = PerfModel(coefficients=(1e-4, 2e-3, 0.0, 0.02))
>>> shape = Shape(1000, 200)
>>> round(m.gpu_s_per_request(shape, 10), 6), round(m.req_per_s(shape, 10), 4)
(0.9, 1.1111)
>>> round(m.e2e_mean_s(shape, 10), 6)
9.0
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tco.capacity.e2e_cap import e2e_cap
from tco.capacity.latency_surface import smooth_latency
from tco.capacity.residuals import Residuals, kept, shape_distance
from tco.capacity.shapes import Shape

EXTRAPOLATION_WEIGHT = 0.5
"""Beyond the measured input or output lengths of a concurrency sweep, how much of the smooth model's *gain* over the
same shape brought back onto the measured lengths (the edge, `PerfModel.boundary_anchor`) is believed (in log):
prediction = model(x)^w · model(edge)^(1−w) · the nearest measured shape's correction toward its levels, where the
model promises more req/s (or less latency) than at the edge; a predicted loss is kept whole. No level constrains the
model's form there, and real sweeps flatten at short requests where it does not
(per-request costs of scheduling and serving: MiniMax-M2.5 on 8 × H200 serves 10.4 req/s at 1,024 input and 11.0 at
2,048, both at concurrency 64; fitted on 2,048–28,672 the model says 16.7). Planning-wise the asymmetry is the
cautious side: capacity nobody measured is half counted, a slowdown in full. Offline (max-throughput) tables keep
the model whole: at a full batch, tokens are the cost (bench/capacity_prediction_error.py, unchanged).
Measured by bench/capacity.py, worst throughput error at a left-out shape: w = 1 (the model alone) 61 %, 0.5 32 %,
0.3 38 %, 0 (the edge's value) 45 %; median 2.8–3.0 %; SLO decisions right 78 %, 81 %, 81 %, 78 %.

Worked example: the model says 16.7 req/s at the new shape and 15.0 at the edge, whose level measured 11.0
(correction 11.0/15.0): √(16.7 · 15.0) · 11.0/15.0 = 11.6 req/s.

TTFT is the exception (`PerfModel.ttft_beyond_measured`): its fall toward shorter inputs is capped by the slope the
nearest two measured shapes show, not halved; with no such pair, it is taken at `TTFT_FALL_WEIGHT`."""
TTFT_FALL_WEIGHT = 0.75
"""Beyond the measured lengths with no second measured shape on the same line (one input length measured), how much
of the TTFT model's fall below the nearest measured shape is believed, in log: TTFT = model^w · edge^(1−w). The model's
TTFT is an overhead plus a per-token slope from the hardware (`tco.capacity.fitting`), physics rather than a free
curve, so more of its fall is believed than of the other metrics' gains (`EXTRAPOLATION_WEIGHT`). Set on InferenceX's
held-out DeepSeek-R1 sweeps (`bench/capacity.py --extra`; so for this constant they are not held out), where such
cases are 1k input asked from 8k only and the reverse: w = 0.5 SLO decisions right 55 %, latency at c = 16 median
18.0 % / worst 676 %; 0.75: 59 %, 17.1 % / 499 %; 1.0: 60 %, 20.4 % / 362 %. The bundled sweeps have no such case.

Worked example: the model says 0.06 s at 922 input, the nearest measured shape (7,373 input) 0.444 s:
0.06^0.75 · 0.444^0.25 = 0.098 s (DeepSeek-R1 with MTP on 8 × MI325X at c = 16 measured 0.101 s; halving said 0.163 s).

>>> round(0.06**0.75 * 0.444**0.25, 3)
0.098
"""
NO_RESIDUALS = Residuals(())
PERCENTILE_ORDER = ("p50", "p90", "p99")
"""The percentiles profiles carry, lowest first: a predicted tail is at least every lower one (`PerfModel.latency`)."""


@dataclass(frozen=True)
class PerfModel:
    coefficients: tuple[float, float, float, float]
    """(π, b, g, a) of equation (1), seconds."""
    ttft_coefficients: tuple[float, float, float, float] | None = None
    """(t0, t1, t2, t3) of the TTFT p50 fit; None when the profile has no TTFT."""
    ttft_load_s: float = 0.0
    """s: TTFT seconds per request in flight whatever the input, added to the p50 as s·c; fitted only where every
    TTFT level ran at one concurrency (`tco.capacity.fitting`'s one-load split), else 0."""
    percentile_ratios: tuple[tuple[str, str, float], ...] = ()
    """(metric, percentile, ratio to p50) at any load: the roofline's calibrated ratios (`tco.capacity.roofline`)."""
    tail_exponents: tuple[tuple[str, str, float], ...] = ()
    """(metric, percentile, k): the tail is the p50 × (1 + c)^k, fitted on the profile's own levels
    (`tco.capacity.fitting`): a tail grows with load and is the p50 with no queue. Where given it stands for
    `percentile_ratios`."""
    ttft_tail_coefficients: tuple[tuple[str, tuple[float, float, float, float]], ...] = ()
    """(percentile, (t0, t1, t2, t3)): TTFT p90/p99 fitted in the p50's form on the levels' own tails
    (`tco.capacity.fitting`); a percentile not here is the p50 times its tail ratio (`tail_exponents`, else
    `percentile_ratios`)."""
    e2e_p50_per_mean: float = 1.0
    itl_scale: float = 1.0
    """Measured ITL p50 over the ITL p50 equation (1) implies, median over levels."""
    max_concurrency: float | None = None
    """Highest concurrency measured; predictions stop there."""
    shapes: tuple[Shape, ...] = ()
    expected_error: float | None = None
    expected_slo_error: float | None = None
    """The error stated for X* under latency bounds where it differs from `expected_error` (the roofline's:
    `Calibration.slo_error`); None: `expected_error`."""
    latency_error: float | None = None
    """The typical error of a predicted latency: `LATENCY_ERROR_QUANTILE` of the leave-out latency errors on the
    profile's own levels (`tco.capacity.fitting`); how far the search for X* under latency bounds may be off
    (`tco.capacity.slo_search`). With too few levels to leave one out, the throughput error stands for it; None: the
    profile has no latency."""
    worst_error: float | None = None
    error_basis: str = ""
    held_out_req_per_s: tuple[tuple[int, float], ...] = ()
    """(level index, req/s): each level as the fit left out for its error (`error_basis`) predicts it."""
    residuals: Residuals = NO_RESIDUALS
    """The profile's own levels against the smooth fit (`tco.capacity.residuals`): predictions lean toward them."""
    physical_latency: bool = False
    """Latency from the coefficients alone, queueing included (the roofline's, `tco.capacity.roofline`)."""
    step_overhead_s: float = 0.0
    """Fixed seconds of every decode step beside its weight reads (launches, collectives, scheduling; the roofline's
    calibrated floor; 0 for a fitted model, whose `a` holds it)."""
    expert_step_s: float = 0.0
    """Seconds to read every routed expert once, for an engine that reads only the experts a batch touches (the
    roofline's, `tco.capacity.roofline`); 0: `a` holds every weight read (a fitted model, and vLLM's roofline)."""
    expert_route_share: float = 0.0
    """k/E: the share of the routed experts one token uses."""
    ttft_wave_share: float = 0.0
    """w: the share of the other in-flight requests' prefills a new request waits behind (the roofline's, from its
    calibration; `tco.capacity.closed_loop`)."""
    ttft_tail_waves: tuple[tuple[str, float], ...] = ()
    """(percentile, w): the wave share of a TTFT tail, the roofline's (`Calibration.ttft_tail_waves`); a percentile
    not here is the p50 times its ratio."""
    tokens_per_step: float = 1.0
    """Output tokens a sequence gains per decode step: 1, or with speculative decoding the mean accepted length
    (`tco.capacity.speculative`); a step's weight and KV reads are shared by that many tokens."""

    @property
    def interactive(self) -> bool:
        """Whether latencies can be predicted: the load (concurrency) is known at every level."""
        return self.max_concurrency is not None

    def step_s(self, concurrency: float) -> float:
        """Seconds of one decode step's fixed cost with `concurrency` sequences in the batch: the overhead, a (the
        weight reads) and, where the roofline reads only the routed experts a batch touches, their share of
        `expert_step_s`, 1 − (1 − k/E)^c (each token picks k of E experts; uniform routing).

        DeepSeek-R1 (256 experts, 8 a token) at c = 4: 1 − (1 − 8/256)^4 = 11.9 % of the routed experts, so with
        a = 2 ms and 30 ms to read them all, a step costs 2 + 0.119 × 30 = 5.58 ms; at c = 64, 87 %: 28.1 ms.

        >>> m = PerfModel((0.0, 0.0, 0.0, 0.002), expert_step_s=0.03, expert_route_share=8 / 256)
        >>> round(m.step_s(4), 5), round(m.step_s(64), 4)
        (0.00558, 0.0281)
        """
        touched = 1 - (1 - self.expert_route_share) ** concurrency if self.expert_step_s else 0.0
        return self.step_overhead_s + self.coefficients[3] + self.expert_step_s * touched

    def gpu_s_per_request(self, shape: Shape, concurrency: float | None) -> float:
        """Equation (1); with speculative decoding (E = `tokens_per_step`) a request takes O/E steps, so the
        per-step terms are divided by E: τ = π·I_u + b·O + (g·O·L + a·O/c) / E."""
        pi, b, g, _ = self.coefficients
        step = self.step_s(concurrency) * shape.output_tokens / concurrency if concurrency else 0.0
        return (
            pi * shape.uncached_input_tokens
            + b * shape.output_tokens
            + (g * shape.output_tokens * shape.mean_context_tokens + step) / self.tokens_per_step
        )

    def nearest_edge(self, shape: Shape) -> Shape | None:
        """The nearest measured shape when `shape` lies beyond the measured input or output lengths (and the model
        leans on measured levels); None inside them."""
        if not self.interactive or not self.shapes or not self.residuals.curves:
            return None
        (low_in, high_in), (low_out, high_out) = self._measured_lengths
        i, o = shape.uncached_input_tokens, shape.output_tokens
        if low_in * 0.999 <= i <= high_in * 1.001 and low_out * 0.999 <= o <= high_out * 1.001:
            return None
        return self._per_shape(("edge", shape), lambda: min(self.shapes, key=lambda s: shape_distance(shape, s)))

    def _per_shape(self, key: tuple[object, ...], compute: Callable[[], Any]) -> Any:
        """`compute()` `kept` in this model's memo: what depends on the shape alone is found once."""
        return kept(self._memo, key, compute)

    @functools.cached_property
    def _memo(self) -> dict[tuple[object, ...], Any]:
        return {}

    def __getstate__(self) -> dict[str, Any]:
        """The fields alone, never what was kept from earlier questions (the memo, the measured lengths): a pickled
        model (Streamlit's caches) is the same bytes whatever it was asked before."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def boundary_anchor(self, shape: Shape) -> Shape | None:
        """`shape` brought back onto the measured lengths at the same context, when it lies beyond them; None inside.

        The uncached input u and the output O are clamped into the measured ranges; the total input stays
        max(I, u), the rest of it cached, so the anchor holds as much context as the shape does:

            anchor = Shape(max(I, u), clamp(O), cached share 1 − u / max(I, u)),   u = clamp(I_u)

        Anchoring at the boundary rather than at the nearest measured shape keeps predictions continuous where a
        shape crosses the measured range, and monotone: fewer tokens or more cache never lower req/s. Worked
        example: measured uncached inputs 1,000–8,000 and outputs 100–800; 12,000 in, half cached, 50 out → u =
        6,000 (inside), O → 100, so the anchor is 12,000 in / 100 out, half cached.
        """
        if self.nearest_edge(shape) is None:
            return None
        (low_in, high_in), (low_out, high_out) = self._measured_lengths
        uncached = min(max(shape.uncached_input_tokens, low_in), high_in)
        total = max(shape.input_tokens, uncached)
        return Shape(total, min(max(shape.output_tokens, low_out), high_out), 1 - uncached / total)

    @functools.cached_property
    def _measured_lengths(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """((shortest, longest) uncached input, (shortest, longest) output) of the measured shapes."""
        inputs = [s.uncached_input_tokens for s in self.shapes]
        outputs = [s.output_tokens for s in self.shapes]
        return (min(inputs), max(inputs)), (min(outputs), max(outputs))

    def _toward_measured(
        self, shape: Shape, smooth: Callable[[Shape], float | None], better: Callable[[float, float], bool]
    ) -> float | None:
        """`smooth` at `shape`; beyond the measured lengths, a gain over the shape brought back onto them
        (`boundary_anchor`, `better`) is taken at `EXTRAPOLATION_WEIGHT` in log, a loss in full (see the constant)."""
        value = smooth(shape)
        edge = self.boundary_anchor(shape)
        if edge is None or not value:
            return value
        at_edge = smooth(edge)
        if not at_edge or not better(value, at_edge):
            return value
        return value**EXTRAPOLATION_WEIGHT * at_edge ** (1 - EXTRAPOLATION_WEIGHT)

    def measured_share(self, shape: Shape) -> Shape | None:
        """`shape` at the cached share the profile's levels ran at, where the workload's differs; None where it is
        the same, or the model has no measured shapes (the roofline prices a cache itself).

        A cache removes prefill work and nothing else (`tco.capacity.cached_share`'s rule for a measured shape), so
        the correction toward the levels (`residuals`) of req/s and E2E is read at the token lengths as measured, the
        model alone pricing the prefill saved; ITL is the measured share's (a decode step reads the whole context);
        TTFT is read at the uncached input it waits for, never above the measured share's where more is cached
        (`_latency_as_predicted`). Read at the uncached input, 2,000 in half cached took the 1,024-token levels'
        corrections, a decode step's too: GLM-5's X* fell from 1.174 to 1.081 req/s with half the prompt cached
        (tests/tco/capacity/test_cached_share_model.py)."""
        share = self.shapes[0].cached_input_share if self.shapes else shape.cached_input_share
        if abs(shape.cached_input_share - share) < 1e-9:
            return None
        return Shape(shape.input_tokens, shape.output_tokens, share)

    def req_per_s(self, shape: Shape, concurrency: float | None) -> float:
        smooth = self._toward_measured(
            shape, lambda s: 1.0 / self.gpu_s_per_request(s, concurrency), lambda new, edge: new > edge
        )
        return self.residuals.factor("req_per_s", self.measured_share(shape) or shape, concurrency) * (smooth or 0.0)

    def prefill_share(self, shape: Shape, concurrency: float | None) -> float:
        return self.coefficients[0] * shape.uncached_input_tokens / self.gpu_s_per_request(shape, concurrency)

    def e2e_mean_s(self, shape: Shape, concurrency: float) -> float:
        return concurrency * self.gpu_s_per_request(shape, concurrency)

    def latency(self, shape: Shape, concurrency: float, metric: str, percentile: str) -> float | None:
        """Predicted `metric` ('ttft_s', 'itl_s', 'e2e_s') at `percentile`; None when not modelled.

        Without a TTFT fit, TTFT is unknown and ITL is taken as E2E / (O − 1), calibrated by `itl_scale`.
        A tail is never below a lower percentile of the same metric: p99 = max(p99, p90, p50) as each is
        predicted; and E2E at a percentile is never below TTFT at it (each request's E2E holds its TTFT, so every
        quantile of E2E is at least the same quantile of TTFT: a roofline whose TTFT tail grows with its wave,
        `ttft_tail_waves`, would otherwise state an E2E p99 under it). The percentiles are corrected toward the
        levels each by its own factor (`residuals`), and at a shape no level measured those factors can cross: 5 of
        bench/capacity.py's 1,077 left-out predicted triples (all on held-out InferenceX sweeps) had p99 < p90 or
        p90 < p50, e.g. TTFT 0.148 s at p50 and 0.145 s at p99.

        Worked example: p50 0.148 s, p90 0.146 s, p99 0.145 s are stated as 0.148 s at all three.

        E2E at every percentile is at most TTFT + (O − 1) · ITL at a tail (`tco.capacity.e2e_cap`): a profile's
        E2E spread from varying output lengths is not lent to a class of fixed length.
        """
        if not self.interactive:
            return None
        lower = PERCENTILE_ORDER[: PERCENTILE_ORDER.index(percentile)] if percentile in PERCENTILE_ORDER else ()
        values = [self._latency_as_predicted(shape, concurrency, metric, p) for p in (*lower, percentile)]
        own = values[-1]
        if own is None:
            return None
        if metric == "e2e_s" and (ttft := self.latency(shape, concurrency, "ttft_s", percentile)) is not None:
            # the tails at and above `percentile` (the p50 is no tail: its own TTFT + (O − 1)·ITL is no cap)
            at = PERCENTILE_ORDER.index(percentile) if percentile in PERCENTILE_ORDER else len(PERCENTILE_ORDER)
            tails = PERCENTILE_ORDER[max(1, at) :]
            cap = e2e_cap(lambda m, p: self.latency(shape, concurrency, m, p), shape.output_tokens, tails)
            values = [v if v is None or cap is None else min(v, cap) for v in values] + [ttft]
        return max(v for v in values if v is not None)

    def _latency_as_predicted(self, shape: Shape, concurrency: float, metric: str, percentile: str) -> float | None:
        """`latency` at one percentile before the order of the percentiles is imposed. Where the cached share differs
        from the measured one (`measured_share`), ITL is the measured share's, and TTFT is predicted at the shape's
        own uncached input, never above the measured share's where more is cached (nor below it where less is)."""
        measured = self.measured_share(shape)
        if metric == "itl_s" and measured is not None:  # a decode step is the same, cached prefix or not
            return self._latency_as_predicted(measured, concurrency, metric, percentile)
        if metric == "ttft_s":
            value = self.ttft_beyond_measured(shape, concurrency, percentile)
            at_measured = self.ttft_beyond_measured(measured, concurrency, percentile) if measured else None
            if value is None or at_measured is None:
                return value
            more_cached = shape.cached_input_share > measured.cached_input_share  # type: ignore[union-attr]
            return min(value, at_measured) if more_cached else max(value, at_measured)
        value = self._toward_measured(
            shape, lambda s: smooth_latency(self, s, concurrency, metric, percentile), lambda new, edge: new < edge
        )
        at = measured or shape  # the correction at the token lengths as measured (`measured_share`)
        return None if value is None else value * self.residuals.factor(f"{metric} {percentile}", at, concurrency)

    def ttft_beyond_measured(self, shape: Shape, concurrency: float, percentile: str) -> float | None:
        """TTFT at `percentile`, corrected toward the measured levels; beyond the measured lengths, a fall below the
        nearest measured shape (the edge) is capped by the secant of the edge and its neighbour on the same line
        (same output length when the input is outside, else same input), in log-log:

            TTFT(x) = min(T_edge, max(model(x), T_edge · (ℓ_x / ℓ_edge)^s)),   s = ln(T_edge/T_nb) / ln(ℓ_edge/ℓ_nb)

        with ℓ the length that lies outside and T the corrected predictions at the two shapes. TTFT is an overhead
        plus a per-token prefill, so its log-slope flattens toward short inputs: the secant of the nearest pair
        bounds the fall, and the model's own intercept may give less. A rise is kept whole; with no neighbour on the
        line the fall is taken at `TTFT_FALL_WEIGHT` (in log). Halving the fall instead put TTFT
        at 1,024 input 2.8× too high when the nearest measured input was 8× longer (bench/capacity.py's
        three-shape table: latency median 27 % → 12 %, worst 308 % → 124 %; the full sweeps unchanged but one SLO
        decision).

        Worked example: 2.0 s at 8,192 and 6.0 s at 32,768 input (s = ln 3 / ln 4 = 0.79), the model 0.3 s at 1,024:
        2.0 · (1/8)^0.79 = 0.385 s, above the model, so 0.385 s.

        >>> round(2.0 * (1024 / 8192) ** (math.log(3) / math.log(4)), 3)
        0.385
        """
        key = f"ttft_s {percentile}"

        def corrected(s: Shape) -> float | None:
            value = smooth_latency(self, s, concurrency, "ttft_s", percentile)
            return None if value is None else value * self.residuals.factor(key, s, concurrency)

        value = corrected(shape)
        edge = self.nearest_edge(shape)
        at_edge = corrected(edge) if edge is not None and value else None
        if edge is None or value is None or not at_edge or value >= at_edge:
            return value
        (low_in, high_in), _ = self._measured_lengths
        outside_input = not low_in * 0.999 <= shape.uncached_input_tokens <= high_in * 1.001

        def length(s: Shape) -> float:
            return max(s.uncached_input_tokens, 1.0) if outside_input else s.output_tokens

        def across(s: Shape) -> float:
            return s.output_tokens if outside_input else max(s.uncached_input_tokens, 1.0)

        def nearest_on_line() -> Shape | None:
            line = [
                s
                for s in self.shapes
                if abs(math.log(across(s) / across(edge))) < 0.01 and abs(math.log(length(s) / length(edge))) > 0.01
            ]
            return min(line, key=lambda s: abs(math.log(length(s) / length(edge))), default=None)

        neighbour = self._per_shape(("neighbour", edge, outside_input), nearest_on_line)
        at_neighbour = corrected(neighbour) if neighbour is not None else None
        if not at_neighbour:
            return value**TTFT_FALL_WEIGHT * at_edge ** (1 - TTFT_FALL_WEIGHT)
        assert neighbour is not None
        slope = math.log(at_edge / at_neighbour) / math.log(length(edge) / length(neighbour))
        return min(at_edge, max(value, at_edge * (length(shape) / length(edge)) ** slope))
