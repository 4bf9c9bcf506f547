"""The roofline's calibrations: the efficiencies and latency shapes `tco.capacity.roofline` runs at, one record per
engine family as fitted on published sweeps (`tco.capacity.calibration` fits them; bench/capacity.py prints each fit
beside the figures here), and which one a deployment takes (`serving_calibration`, `calibration_for`).

Each record states its basis (the sweeps it was fitted on) and its error: the 80th percentile of the errors it left
on configurations held out of its fit.

>>> serving_calibration("TensorRT-LLM", "B200").basis.startswith("InferenceX's interactive SGLang and TensorRT-LLM")
True
"""

from __future__ import annotations

from dataclasses import dataclass

from tco.capacity.prefill_efficiency import amd_cdna4, amd_gpu, lean_engine
from tco.records.scenario import RequestClass, Slo


@dataclass(frozen=True)
class Calibration:
    """Efficiencies of the physical model, fitted on published sweeps (`tco.capacity.calibration`)."""

    compute: float
    """η_c: achieved / peak FLOP/s of prefill and decode compute."""
    memory: float
    """η_m: achieved / peak bandwidth of weight and KV reads."""
    error: float
    """The error 80 % of leave-one-configuration-out levels stay within."""
    basis: str
    step_overhead_s: float = 0.0
    """Seconds every decode step costs beside its reads (kernel launches, collectives, the scheduler)."""
    reads_touched_experts: bool = False
    """A decode step reads only the routed experts its batch touches (SGLang, TensorRT-LLM, ATOM), not every weight
    (vLLM as InferenceX's sweeps measured it): `PerfModel.step_s`."""
    max_concurrency: float | None = None
    """The highest concurrency the fitted sweeps measured (None: no cap, offline figures): the roofline's batch, and so
    the search for X* at an SLO, stops there, since its latency was never checked beyond it."""
    ttft_wave_share: float = 0.0
    """w: the share of the other in-flight requests' prefills a new request's TTFT waits behind
    (`tco.capacity.closed_loop`), fitted on the same sweeps' TTFT p50 (`tco.capacity.calibration.fit_wave_share`)."""
    ttft_tail_waves: tuple[tuple[str, float], ...] = ()
    """(percentile, w): TTFT p90 and p99 as the closed loop's TTFT with a wave share of their own, fitted on the
    calibration's sweeps' tails (`tco.capacity.calibration.fit_ttft_tail_waves`); a percentile not here is the p50
    times ESTIMATE_PERCENTILE_RATIOS'."""
    itl_tail_ratios: tuple[tuple[str, float], ...] = ()
    """(percentile, ITL p90 or p99 over p50) on the calibration's own sweeps (`tco.capacity.calibration.fit_itl_tails`);
    a percentile not here takes ESTIMATE_PERCENTILE_RATIOS'. A decode step's tail is the engine's: vLLM's chunked
    prefills stretch some steps (p99 1.67× the p50 on the bundled sweeps), the lean engines' steps hardly vary
    (1.02–1.10×)."""
    slo_error: float = 0.0
    """The error stated for the roofline's X* under latency bounds, at least `error`: the 80 % split-conformal bound of
    bench/capacity.py's "no profile, X* at an SLO" cases for the sweeps this calibration was fitted on (the factor
    to the bracket the measured levels allow). An SLO adds the latency model's error to the throughput's."""


SERVING = Calibration(
    compute=0.028,
    memory=0.564,
    error=0.64,
    step_overhead_s=0.0075,
    max_concurrency=64.0,
    itl_tail_ratios=(("p99", 1.67),),
    slo_error=0.63,
    basis="InferenceX's interactive vLLM sweeps on 8 x H200 (GLM-5, MiniMax-M2.5 x 2, Qwen3.5), checked on MLPerf "
    "v6.0 Server results (DeepSeek-R1, gpt-oss-120b; TensorRT-LLM and vLLM on B200, H200, MI355X)",
)
LEAN_NVIDIA = Calibration(
    compute=0.141,
    memory=0.502,
    error=0.27,
    step_overhead_s=0.0075,
    reads_touched_experts=True,
    max_concurrency=64.0,
    ttft_wave_share=0.65,
    ttft_tail_waves=(("p90", 1.5), ("p99", 2.8)),
    itl_tail_ratios=(("p90", 1.02), ("p99", 1.04)),
    slo_error=1.0,
    basis="InferenceX's interactive SGLang and TensorRT-LLM sweeps of DeepSeek-R1-0528 on H200, B200 and B300 (23 "
    "deployments without speculative decoding, runs of 2025-10 to 2026-06; figures read from the published records, "
    "bench/capacity.py --extra)",
)
LEAN_CDNA3 = Calibration(
    compute=0.063,
    memory=0.356,
    error=0.93,
    step_overhead_s=0.0075,
    reads_touched_experts=True,
    max_concurrency=64.0,
    ttft_wave_share=0.05,
    ttft_tail_waves=(("p90", 0.65), ("p99", 2.1)),
    itl_tail_ratios=(("p90", 1.1), ("p99", 1.1)),
    slo_error=1.0,
    basis="InferenceX's interactive SGLang sweeps of DeepSeek-R1-0528 on MI300X and MI325X (AMD CDNA 3, 2 "
    "deployments without speculative decoding; η_c from all 8 AMD deployments; figures read from the published "
    "records, bench/capacity.py --extra)",
)
LEAN_CDNA4 = Calibration(
    compute=0.063,
    memory=0.632,
    error=0.93,
    step_overhead_s=0.0075,
    reads_touched_experts=True,
    max_concurrency=64.0,
    ttft_wave_share=0.1,
    ttft_tail_waves=(("p90", 0.35), ("p99", 2.35)),
    itl_tail_ratios=(("p90", 1.02), ("p99", 1.02)),
    slo_error=0.69,
    basis="InferenceX's interactive SGLang and ATOM sweeps of DeepSeek-R1-0528 on MI355X (AMD CDNA 4, 6 deployments "
    "without speculative decoding; η_c from all 8 AMD deployments; figures read from the published records, "
    "bench/capacity.py --extra)",
)
LEAN_CALIBRATIONS = {"LEAN_NVIDIA": LEAN_NVIDIA, "LEAN_CDNA3": LEAN_CDNA3, "LEAN_CDNA4": LEAN_CDNA4}
"""The lean engines' calibrations by name, as bench/capacity.py prints their fits."""
PEAK = Calibration(compute=1.0, memory=1.0, error=0.0, basis="peak figures")
"""No derating: ratios between two configurations (tco.capacity.transfer) and the plausibility ceiling."""
OFFLINE = Calibration(
    compute=0.1,
    memory=1.125,
    error=2.40,
    basis="NVIDIA TensorRT-LLM max-throughput tables (Llama 3.3 70B, gpt-oss-120b, Qwen3-235B, DeepSeek-R1)",
)
ESTIMATE_PERCENTILE_RATIOS = (
    ("ttft_s", "p90", 1.6),
    ("ttft_s", "p99", 2.5),
    ("itl_s", "p90", 1.2),
    ("itl_s", "p99", 1.5),
    ("e2e_s", "p90", 1.2),
    ("e2e_s", "p99", 1.4),
)


def percentile_ratios(calibration: Calibration) -> tuple[tuple[str, str, float], ...]:
    """ESTIMATE_PERCENTILE_RATIOS with the calibration's own ITL tails where it has them, in order: an estimated p90
    above the calibration's own p99 is lowered to it, an estimated p99 below its own p90 raised to it (a tail is never
    below a lower percentile: `PerfModel.latency`).

    >>> lean = Calibration(0.1, 0.5, 0.2, "x", itl_tail_ratios=(("p99", 1.08),))
    >>> [(p, r) for m, p, r in percentile_ratios(lean) if m == "itl_s"]
    [('p90', 1.08), ('p99', 1.08)]
    >>> [(p, r) for m, p, r in percentile_ratios(Calibration(0.1, 0.5, 0.2, "x", itl_tail_ratios=(("p90", 1.7),)))
    ...  if m == "itl_s"]
    [('p90', 1.7), ('p99', 1.7)]
    """
    estimated = {p: r for m, p, r in ESTIMATE_PERCENTILE_RATIOS if m == "itl_s"}
    own = dict(calibration.itl_tail_ratios)
    p90, p99 = own.get("p90", estimated["p90"]), own.get("p99", estimated["p99"])
    if "p99" in own:
        p90 = min(p90, p99)
    itl = {"p90": p90, "p99": max(p90, p99)}
    return tuple((m, p, itl[p] if m == "itl_s" else r) for m, p, r in ESTIMATE_PERCENTILE_RATIOS)


def serving_calibration(engine: str | None, gpu_id: str | None) -> Calibration:
    """The interactive calibration for `engine` on `gpu_id`: SGLang, TensorRT-LLM and ATOM read only the routed
    experts a batch touches (LEAN_NVIDIA; on AMD by generation, LEAN_CDNA3 for MI300X and MI325X, LEAN_CDNA4 for
    MI350X, MI355X and later); vLLM, and an engine not named, SERVING.

    Held out configuration by configuration (bench/capacity.py), each calibration's fit against the other: SGLang and
    TensorRT-LLM on NVIDIA, 19 deployments on H200 and B200: touched experts 23 % at the 80th percentile (η_c 0.16,
    η_m 0.63), every weight read 62 % (η_m 1.78, beyond the bandwidth); with B300 on the GPU sheet, 23
    deployments: touched experts 27 % (η_c 0.141, η_m 0.502, the figures LEAN_NVIDIA holds). vLLM's four sweeps
    the other way: every weight 64 %, touched 70 %. On AMD (8 deployments, SGLang and ATOM) both stay wide with one
    calibration (80th percentile of the held-out errors 116 % and 145 %); CDNA 3 decodes at a lower share of its
    bandwidth than CDNA 4 (η_m 0.356 against 0.632, each generation fitted on its own sweeps at the vendor's η_c
    0.063): split so, each generation's 80th percentile is 93 %, and the worst no-profile req/s error on InferenceX's
    records fell from 116 % to 100.5 % (README, "How true it is"). NVIDIA split into Hopper and Blackwell
    the same way did not move (80th percentile 24 % → 23–29 %), so it keeps one.

    >>> serving_calibration("sglang", "H200") is LEAN_NVIDIA, serving_calibration("atom", "MI355X") is LEAN_CDNA4
    (True, True)
    >>> serving_calibration("sglang", "MI300X") is LEAN_CDNA3
    True
    >>> serving_calibration("vllm", "H200") is SERVING, serving_calibration(None, "B200") is SERVING
    (True, True)
    """
    if not gpu_id or not lean_engine(engine):
        return SERVING
    if not amd_gpu(gpu_id):
        return LEAN_NVIDIA
    return LEAN_CDNA4 if amd_cdna4(gpu_id) else LEAN_CDNA3


def calibration_for(cls: RequestClass, slo: Slo, engine: str | None = None, gpu_id: str | None = None) -> Calibration:
    """The engine's serving calibration (`serving_calibration`) for a class held to a latency bound (the concurrency
    it allows is low), OFFLINE for batch work."""
    return serving_calibration(engine, gpu_id) if slo.bounds() and cls.batch_share < 1 else OFFLINE
