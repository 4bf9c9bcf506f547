"""Is the mix still best when the inputs move? The tornado of the mix: each uncertain input alone at the ends of
the scenario's own range (`uncertainty`, the same ranges the single options' tornado and Monte Carlo use), the mix
and the best single option both solved again, and the saving read at each end.

Inputs moved: API prices (× 1 ± api_price_rel_range), the GPU price (the rent or the server price, × 1 ±
gpu_price_rel_range), throughput (X* × 1 ± 2 throughput_rel_sd), the peak (the hourly load a fleet is sized for, ×
1 ± peak_rel_range; billed requests unchanged), growth (± 2 growth_sd a month) and staff and platform (× 1 ±
staff_rel_range).

Worked example: at API prices 10 % higher an all-API best single option costs 10 % more, while a mix that serves
most requests on a fleet rises less, so its saving grows; at 10 % lower it shrinks — the case to read is the end
where `still_recommended` turns false.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from tco.finance.projection import GPU_PRICE_COMPONENTS
from tco.portfolio.menu import Menu, build_menu, restricted
from tco.portfolio.milp import solve
from tco.records.inputs import ScenarioInputs
from tco.records.mix import MixCase
from tco.records.results import ScenarioResult


def _gpu_price(menu: Menu, factor: float) -> Menu:
    def moved(model):
        part = sum(model.unit_breakdown.get(k, 0.0) for k in GPU_PRICE_COMPONENTS) if model.unit_breakdown else None
        gpu = model.usd_per_unit_month if part is None else part
        return dataclasses.replace(model, usd_per_unit_month=model.usd_per_unit_month + gpu * (factor - 1))

    return dataclasses.replace(menu, sources=tuple(dataclasses.replace(s, model=moved(s.model)) for s in menu.sources))


def _cases(menu: Menu) -> list[tuple[str, str, Callable[[Menu], Menu]]]:
    u = menu.scenario.uncertainty
    g = menu.scenario.workload.monthly_growth
    months = np.arange(menu.requests.shape[1])
    out: list[tuple[str, str, Callable[[Menu], Menu]]] = []
    for sign in (-1, 1):
        api = 1 + sign * u.api_price_rel_range
        out.append(("API price", f"× {api:.2f}", lambda m, f=api: dataclasses.replace(
            m, api_usd_per_request={k: v * f for k, v in m.api_usd_per_request.items()})))  # fmt: skip
        gpu = 1 + sign * u.gpu_price_rel_range
        out.append(("GPU price", f"× {gpu:.2f}", lambda m, f=gpu: _gpu_price(m, f)))
        x = 1 + sign * 2 * u.throughput_rel_sd
        out.append(("throughput", f"× {x:.2f}", lambda m, f=x: dataclasses.replace(m, sources=tuple(
            dataclasses.replace(s, req_per_s=tuple(v * f for v in s.req_per_s)) for s in m.sources))))  # fmt: skip
        peak = 1 + sign * u.peak_rel_range
        out.append(("peak", f"× {peak:.2f}", lambda m, f=peak: dataclasses.replace(m, load_factor=m.load_factor * f)))
        grown = g + sign * 2 * u.growth_sd
        path = ((1 + grown) / (1 + g)) ** months
        out.append(("growth", f"{grown:+.1%} a month",
                    lambda m, p=path: dataclasses.replace(m, requests=m.requests * p[None, :])))  # fmt: skip
        staff = 1 + sign * u.staff_rel_range
        out.append(("staff and platform", f"× {staff:.2f}", lambda m, f=staff: dataclasses.replace(
            m, fixed_usd_per_month={k: v * f for k, v in m.fixed_usd_per_month.items()})))  # fmt: skip
    return out


def mix_tornado(inputs: ScenarioInputs, result: ScenarioResult, allow: tuple[str, ...] | None = None) -> list[MixCase]:
    """Each input at each end of its range: the mix, the best single option and the saving, solved again."""
    settings = inputs.scenario.portfolio
    allow = tuple(settings.allow if allow is None else allow)
    base = build_menu(inputs, result)
    out = []
    for name, value, move in _cases(base):
        menu = move(base)
        mix = solve(restricted(menu, allow), allow)
        single = solve(restricted(menu, ()), ())
        served = [(r.option, s.sum()) for (_, r), s in single.share.items() if s.sum() > 0.5]
        best = max(served, key=lambda p: p[1])[0] if served else None
        saving = single.npv_cost_usd - mix.npv_cost_usd
        out.append(MixCase(name, value, mix.npv_cost_usd, single.npv_cost_usd, best, saving,
                           bool(saving > settings.min_saving_share * single.npv_cost_usd)))  # fmt: skip
    return out
