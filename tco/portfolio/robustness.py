"""Is the mix still best when the inputs move? The tornado of the mix (`mix_tornado`): each uncertain input alone at
the ends of the scenario's own range (`uncertainty`, the same ranges the single options' tornado and Monte Carlo
use), the mix and the best single option both solved again, and the saving read at each end; and its Monte Carlo
(`mix_monte_carlo`): every input drawn together, a few dozen draws, each solved again.

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
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from tco.finance.projection import GPU_PRICE_COMPONENTS
from tco.portfolio.menu import Menu, build_menu, restricted
from tco.portfolio.milp import Plan, solve
from tco.records.inputs import ScenarioInputs
from tco.records.mix import MixCase, MixDraws
from tco.records.results import ScenarioResult


def _gpu_price(menu: Menu, factor: float) -> Menu:
    def moved(model):
        part = sum(model.unit_breakdown.get(k, 0.0) for k in GPU_PRICE_COMPONENTS) if model.unit_breakdown else None
        gpu = model.usd_per_unit_month if part is None else part
        return dataclasses.replace(model, usd_per_unit_month=model.usd_per_unit_month + gpu * (factor - 1))

    return dataclasses.replace(menu, sources=tuple(dataclasses.replace(s, model=moved(s.model)) for s in menu.sources))


def _api(menu: Menu, factor: float) -> Menu:
    return dataclasses.replace(menu, api_usd_per_request={k: v * factor for k, v in menu.api_usd_per_request.items()})


def _throughput(menu: Menu, factor: float) -> Menu:
    sources = tuple(dataclasses.replace(s, req_per_s=tuple(v * factor for v in s.req_per_s)) for s in menu.sources)
    return dataclasses.replace(menu, sources=sources)


def _peak(menu: Menu, factor: float) -> Menu:
    return dataclasses.replace(menu, load_factor=menu.load_factor * factor)


def _growth(menu: Menu, growth: float) -> Menu:
    base = menu.scenario.workload.monthly_growth
    path = ((1 + growth) / (1 + base)) ** np.arange(menu.requests.shape[1])
    return dataclasses.replace(menu, requests=menu.requests * path[None, :])


def _staff(menu: Menu, factor: float) -> Menu:
    return dataclasses.replace(menu, fixed_usd_per_month={k: v * factor for k, v in menu.fixed_usd_per_month.items()})


MIX_CASES = 12
"""The mix's tornado: six inputs, each at both ends of its range (`_cases`)."""


def _cases(menu: Menu) -> list[tuple[str, str, Callable[[Menu], Menu]]]:
    u = menu.scenario.uncertainty
    g = menu.scenario.workload.monthly_growth
    out: list[tuple[str, str, Callable[[Menu], Menu]]] = []
    for sign in (-1, 1):
        api, gpu = 1 + sign * u.api_price_rel_range, 1 + sign * u.gpu_price_rel_range
        x, peak = 1 + sign * 2 * u.throughput_rel_sd, 1 + sign * u.peak_rel_range
        grown, staff = g + sign * 2 * u.growth_sd, 1 + sign * u.staff_rel_range
        out += [
            ("API price", f"× {api:.2f}", lambda m, f=api: _api(m, f)),
            ("GPU price", f"× {gpu:.2f}", lambda m, f=gpu: _gpu_price(m, f)),
            ("throughput", f"× {x:.2f}", lambda m, f=x: _throughput(m, f)),
            ("peak", f"× {peak:.2f}", lambda m, f=peak: _peak(m, f)),
            ("growth", f"{grown:+.1%} a month", lambda m, f=grown: _growth(m, f)),
            ("staff and platform", f"× {staff:.2f}", lambda m, f=staff: _staff(m, f)),
        ]
    return out


SOLVER_THREADS = max(1, min(4, os.cpu_count() or 1))
"""Programmes solved at once: HiGHS releases the GIL, so the cases of a tornado or a Monte Carlo run side by side
(2 threads on a 2-core machine: 4 mix solves in 3.6 s instead of 6.2 s)."""


def _solve_pairs(menus: list[Menu], allow: tuple[str, ...]) -> list[tuple[Plan, Plan]]:
    """Each menu's mix (`allow`) and best single option (nothing allowed), in the menus' order."""

    def pair(menu: Menu) -> tuple[Plan, Plan]:
        return solve(restricted(menu, allow), allow), solve(restricted(menu, ()), ())

    with ThreadPoolExecutor(SOLVER_THREADS) as pool:
        return list(pool.map(pair, menus))


def mix_tornado(inputs: ScenarioInputs, result: ScenarioResult, allow: tuple[str, ...] | None = None) -> list[MixCase]:
    """Each input at each end of its range: the mix, the best single option and the saving, solved again."""
    settings = inputs.scenario.portfolio
    allow = tuple(settings.allow if allow is None else allow)
    base = build_menu(inputs, result)
    cases = _cases(base)
    solved = _solve_pairs([move(base) for _, _, move in cases], allow)
    out = []
    for (name, value, _), (mix, single) in zip(cases, solved, strict=True):
        served = [(r.option, s.sum()) for (_, r), s in single.share.items() if s.sum() > 0.5]
        best = max(served, key=lambda p: p[1])[0] if served else None
        saving = single.npv_cost_usd - mix.npv_cost_usd
        out.append(MixCase(name, value, mix.npv_cost_usd, single.npv_cost_usd, best, saving,
                           bool(saving > settings.min_saving_share * single.npv_cost_usd)))  # fmt: skip
    return out


def _triangular(rng: np.random.Generator, rel_range: float) -> float:
    """A multiplier drawn triangular on 1 ± `rel_range` (1 when the range is zero)."""
    return float(rng.triangular(1 - rel_range, 1, 1 + rel_range)) if rel_range > 0 else 1.0


MIX_DRAWS = 40
"""Monte Carlo draws of the mix: each one two programmes (the mix and the best single option), ~1.5 s a draw for
the bundled mix example on this project's 2-core machine, so a few dozen, not the single options' 10,000."""


def expected_seconds(mix_solve_s: float, solves: int, threads: int = SOLVER_THREADS) -> float:
    """How long `solves` re-solves of the mix take, from the time its own solve took: the best single option's
    programme is small beside the mix's, so each re-solve counts as one mix solve, `threads` at a time.

    seconds = ⌈solves ÷ threads⌉ × mix_solve_s

    >>> expected_seconds(1.5, 40, threads=2)
    30.0
    """
    return -(-solves // threads) * mix_solve_s


def mix_monte_carlo(
    inputs: ScenarioInputs, result: ScenarioResult, draws: int = MIX_DRAWS, allow: tuple[str, ...] | None = None
) -> MixDraws:
    """All the inputs drawn together from the scenario's ranges (triangular prices, peak and staff; log-normal
    throughput; normal growth; the scenario's seed), the mix and the best single option solved again in each draw:
    how often the mix stays worth running, and its saving's spread."""
    settings = inputs.scenario.portfolio
    allow = tuple(settings.allow if allow is None else allow)
    u = inputs.scenario.uncertainty
    g = inputs.scenario.workload.monthly_growth
    rng = np.random.default_rng(u.seed)
    base = build_menu(inputs, result)
    menus = []
    for _ in range(draws):  # every draw's inputs first, in one order, so threads cannot change what is drawn
        menu = _api(base, _triangular(rng, u.api_price_rel_range))
        menu = _gpu_price(menu, _triangular(rng, u.gpu_price_rel_range))
        menu = _throughput(menu, float(np.exp(rng.normal(0, u.throughput_rel_sd))))
        menu = _peak(menu, _triangular(rng, u.peak_rel_range))
        menu = _growth(menu, max(-0.99, rng.normal(g, u.growth_sd)))
        menus.append(_staff(menu, _triangular(rng, u.staff_rel_range)))
    savings, shares, kept = [], [], 0
    for mix, single in _solve_pairs(menus, allow):
        saving = single.npv_cost_usd - mix.npv_cost_usd
        savings.append(saving)
        shares.append(saving / single.npv_cost_usd if single.npv_cost_usd > 0 else 0.0)
        kept += saving > settings.min_saving_share * single.npv_cost_usd
    p10, p50, p90 = (float(v) for v in np.percentile(savings, [10, 50, 90]))
    return MixDraws(draws, u.seed, kept / draws, (p10, p50, p90), float(np.median(shares)))
