"""bench/capacity.py's calibrations: the roofline's efficiencies, wave shares and latency tails refitted without the
sweep each no-profile case asks about (leave one configuration out), printed beside the constants the engine holds
(`tco.capacity.roofline_calibrations`), and the lean engines' check on the bundled configurations.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Sequence

from profiling.schema import Profile
from tco.capacity.calibration import (
    calibrate,
    fit_efficiencies,
    fit_itl_tails,
    fit_ttft_tail_waves,
    fit_wave_share,
    peak_parts,
    predicted_req_per_s,
    serving_sets,
)
from tco.capacity.prefill_efficiency import amd_gpu
from tco.capacity.roofline_calibrations import LEAN_CALIBRATIONS, OFFLINE, SERVING, Calibration, serving_calibration
from tco.capacity.speculative import TOKENS_PER_STEP, fit_tokens_per_step
from tco.records.inputs import ReferenceProfile


def calibrations(configs: list[ReferenceProfile]) -> dict[str, Calibration]:
    """Print both calibrations against the constants in roofline_calibrations; return, for each interactive sweep,
    the SERVING calibration fitted without it."""
    interactive, points = serving_sets(configs)
    offline = [c for c in configs if c.name.startswith("TRT-LLM")]
    for label, group, checks, constant in (
        ("SERVING", interactive, points, SERVING),
        ("OFFLINE", offline, [], OFFLINE),
    ):
        fitted, held_out = calibrate(group, constant.basis, checks)
        print(f"  {label}: fitted η_c {fitted.compute:g}, η_m {fitted.memory:g}, step {fitted.step_overhead_s:g} s; "
              f"held-out error (configurations left out, {len(checks)} points checked) median "
              f"{statistics.median(held_out):.0%}, 80th percentile {fitted.error:.0%}, worst {max(held_out):.0%} "
              f"({len(group)} configurations); in roofline_calibrations: {constant.compute:g}, {constant.memory:g}, "
              f"{constant.step_overhead_s:g} s, {constant.error:.0%}")  # fmt: skip
    print(f"  SERVING: TTFT wave share fitted {fit_wave_share(interactive, SERVING):g}; in roofline_calibrations "
          f"{SERVING.ttft_wave_share:g}")  # fmt: skip
    print(f"  SERVING: ITL tails fitted {fit_itl_tails(interactive, SERVING.max_concurrency)}; in "
          f"roofline_calibrations {SERVING.itl_tail_ratios}; TTFT tail waves (not used: SERVING has no wave) fitted "
          f"{fit_ttft_tail_waves(interactive, SERVING)}")  # fmt: skip
    left_out = {}
    for config in interactive:
        others = [o for o in interactive if o is not config]
        fitted = calibrate(others, "")[0]
        tails = fit_itl_tails(others, SERVING.max_concurrency)
        left_out[config.name] = dataclasses.replace(fitted, slo_error=SERVING.slo_error, itl_tail_ratios=tails)
    return left_out


def engine_check(configs: list[ReferenceProfile]) -> None:
    """The engine's calibration (`serving_calibration`) on the bundled configurations of the lean engines, none of
    them among the sweeps it was fitted on (other models, MLPerf and NVIDIA's tables): the median of predicted /
    measured req/s at their own levels, beside SERVING's."""
    for ref in configs:
        chosen = serving_calibration(ref.profile.meta.engine, ref.gpu.id)
        if chosen is SERVING or ref.name.startswith("TRT-LLM"):
            continue
        ratios = []
        for calibration in (SERVING, chosen):
            parts = peak_parts(ref, calibration.reads_touched_experts)
            if parts is None:
                break
            x = predicted_req_per_s(parts, calibration.compute, calibration.memory, calibration.step_overhead_s)
            ratios.append(statistics.median(x / parts.measured))
        if len(ratios) == 2:
            print(f"  {ref.name} ({ref.profile.meta.engine}, {len(ref.profile.levels)} levels): predicted / measured "
                  f"req/s, median: SERVING {ratios[0]:.2f}, its engine's calibration {ratios[1]:.2f}")  # fmt: skip


def lean_left_out(cards, sheet, extra: Sequence[tuple[str, Profile]]) -> dict[str, Calibration]:
    """For each --extra deployment, the calibration its engine gets (`serving_calibration`), refitted without it when
    it is one of those the bundled lean-engine calibrations were read from (SGLang, TensorRT-LLM and ATOM without
    speculative decoding, by GPU family), so the no-profile rows stay held out: η_c on the other sweeps of its
    vendor, then η_m and the step overhead on the other sweeps of its family at that η_c (`serving_calibration`)."""
    gpus = {g.id.lower(): g for g in sheet.gpus}
    refs = [
        (ReferenceProfile(name, profile, card, gpu), serving_calibration(profile.meta.engine, gpu.id))
        for name, profile in extra
        if (card := cards.find(profile.meta.model)) is not None and (gpu := gpus.get(profile.meta.gpu.lower()))
    ]
    fitted_on = [(r, cal) for r, cal in refs if cal.reads_touched_experts and not r.profile.meta.speculative_decoding]
    out = {}
    for ref, cal in refs:
        if not cal.reads_touched_experts:
            out[ref.name] = cal
            continue
        vendor = [o for o, c in fitted_on if amd_gpu(o.gpu.id) == amd_gpu(ref.gpu.id) and o.name != ref.name]
        compute = fit_efficiencies(vendor, reads_touched_experts=True)[0]  # η_c from the vendor's sweeps
        others = [o for o, c in fitted_on if c is cal and o.name != ref.name]  # η_m, s₀ from the GPU family's
        if len(others) >= 2:
            fitted = dataclasses.replace(calibrate(others, cal.basis, reads_touched_experts=True, compute=compute)[0],
                                         max_concurrency=cal.max_concurrency, slo_error=cal.slo_error)  # fmt: skip
        else:  # one left to fit on: its efficiencies, and the error stated with the constant (none to leave out)
            _, memory, step = fit_efficiencies(others, reads_touched_experts=True, compute=compute)
            fitted = dataclasses.replace(cal, compute=compute, memory=memory, step_overhead_s=step)
        tails = fit_itl_tails(others, cal.max_concurrency)
        fitted = dataclasses.replace(fitted, ttft_wave_share=fit_wave_share(others, fitted), itl_tail_ratios=tails)
        out[ref.name] = dataclasses.replace(fitted, ttft_tail_waves=fit_ttft_tail_waves(others, fitted))
    for cal in LEAN_CALIBRATIONS.values():
        mine = [o for o, c in fitted_on if c is cal]
        if not mine:  # no --extra file: nothing to fit the lean engines' wave on
            continue
        print(f"  {cal.basis.split(' (')[0][:60]}…: TTFT wave share fitted {fit_wave_share(mine, cal):g} on "
              f"{len(mine)} deployments; in roofline_calibrations {cal.ttft_wave_share:g}; ITL tails fitted "
              f"{fit_itl_tails(mine, cal.max_concurrency)}, in the engine {cal.itl_tail_ratios}; TTFT tail waves "
              f"fitted {fit_ttft_tail_waves(mine, cal)}, in the engine {cal.ttft_tail_waves}")  # fmt: skip
    return out


def tokens_left_out(
    cards, sheet, calibrations: dict[str, Calibration], extra: Sequence[tuple[str, Profile]]
) -> dict[str, float]:
    """For each --extra deployment run with speculative decoding, E (`tco.capacity.speculative`) fitted on the
    others, each at its engine's calibration without speculation; prints the fit on all of them beside the constant."""
    gpus = {g.id.lower(): g for g in sheet.gpus}
    parts = {}
    for name, profile in extra:
        card, gpu = cards.find(profile.meta.model), gpus.get(profile.meta.gpu.lower())
        if profile.meta.speculative_decoding and card is not None and gpu is not None and name in calibrations:
            cal = calibrations[name]
            found = peak_parts(ReferenceProfile(name, profile, card, gpu), cal.reads_touched_experts)
            if found is not None:
                parts[name] = (found, cal)
    if len(parts) < 2:
        return {}
    left_out = {name: fit_tokens_per_step([p for other, p in parts.items() if other != name]) for name in parts}
    print(f"  speculative decoding: E fitted on {len(parts)} deployments {fit_tokens_per_step(list(parts.values())):g}"
          f", left out {min(left_out.values()):g}–{max(left_out.values()):g}; in tco.capacity.speculative "
          f"{TOKENS_PER_STEP:g}")  # fmt: skip
    return left_out
