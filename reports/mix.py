"""The best mix (tco.records.mix.MixResult) as the CLI's JSON object, its table lines and a monthly CSV."""

from __future__ import annotations

import csv
import dataclasses
import io
from typing import Any

from datafiles.export import Column
from tco.records.amounts import usd
from tco.records.mix import MixCase, MixDraws, MixResult

COMPONENT_NAMES = {
    "api": "API requests",
    "committed_gpus": "committed GPUs",
    "flexible_gpus": "on-demand GPUs",
    "per_request": "per-request costs",
    "staff_platform": "staff and platform",
    "recurring_projects": "re-distillation projects",
}


def mix_dict(mix: MixResult, cases: list[MixCase] | None = None, draws: MixDraws | None = None) -> dict[str, Any]:
    """The JSON contract's `portfolio` object: `assignments` rows name their class as `class`; `robustness`, each
    input at each end of its range (tco.portfolio.robustness), when computed."""
    doc = dataclasses.asdict(mix)
    doc["assignments"] = [{"class": a.pop("class_name"), **a} for a in doc["assignments"]]
    if cases is not None:
        doc["robustness"] = [dataclasses.asdict(c) for c in cases]
    if draws is not None:
        doc["monte_carlo"] = dataclasses.asdict(draws)
    return doc


def draws_text(draws: MixDraws) -> str:
    """'Drawn together (40 draws, seed …): the mix stays worth running in 100% of draws; it saves P10 …'."""
    p10, p50, p90 = (usd(v) for v in draws.saving_p10_p50_p90_usd)
    return (
        f"Every input drawn together ({draws.draws} draws, seed {draws.seed}): the mix stays worth running in "
        f"{draws.share_recommended:.0%} of draws; it saves P10 {p10}, P50 {p50}, P90 {p90} "
        f"(median {draws.median_saving_share:.0%} of the best single option's NPV)."
    )


def robustness_text(cases: list[MixCase]) -> str:
    """'Across the risk ranges the mix stays recommended in 12 of 12 cases; it saves $13.6M (growth +0.0% a month)
    to $37.8M (growth +8.0% a month).'"""
    kept = sum(c.still_recommended for c in cases)
    low = min(cases, key=lambda c: c.saving_usd)
    high = max(cases, key=lambda c: c.saving_usd)
    text = (
        f"Across the risk ranges (each input alone at each end) the mix stays recommended in {kept} of {len(cases)} "
        f"cases; it saves {usd(low.saving_usd)} ({low.input} {low.value}) to {usd(high.saving_usd)} ({high.input} "
        f"{high.value}) against the best single option"
    )
    changed = sorted({c.best_single_option for c in cases if c.best_single_option} - {low.best_single_option})
    return text + (f" (which becomes {', '.join(changed)} in some cases)." if changed else ".")


def mix_lines(mix: MixResult, cases: list[MixCase] | None = None, draws: MixDraws | None = None) -> list[str]:
    """The mix in words, its NPV against the best single option, each ingredient's worth, how it holds across the
    risk ranges (when computed) and the solver."""
    lines = ["\nBest mix (NPV of cost " + usd(mix.npv_cost_usd) + "):"]
    lines += [f"  {w}" for w in mix.words]
    if mix.best_single_option is not None and mix.saving_usd is not None and mix.saving_share is not None:
        lines.append(
            f"  Against the best single option, {mix.best_single_option} ({usd(mix.best_single_npv_cost_usd or 0)}):"
            f" saves {usd(mix.saving_usd)} ({mix.saving_share:.1%}); "
            + ("recommended" if mix.recommended else "not recommended")
            + f" (margin {mix.min_saving_share:.0%})."
        )
    for fleet in mix.fleet:
        lines.append(
            f"  Fleet {fleet.option} ({fleet.term}): GPUs by month {_series(fleet.gpus_by_month)}; busy "
            f"{min(fleet.utilization_by_month):.0%}–{max(fleet.utilization_by_month):.0%}"
        )
    if mix.ingredient_savings_usd:
        worth = ", ".join(f"{k} {usd(v)}" for k, v in mix.ingredient_savings_usd.items())
        lines.append(f"  What each ingredient saves (NPV, the others kept): {worth}.")
    if cases:
        lines.append(f"  {robustness_text(cases)}")
    if draws is not None:
        lines.append(f"  {draws_text(draws)}")
    solver = mix.solver
    lines.append(f"  Solver: {solver['name']}, {solver['status']}, {solver['seconds']:.2f} s "
                 f"({solver['solves']} solves, {solver['seconds_all']:.2f} s in all).")  # fmt: skip
    lines += [f"  Note: {n}" for n in mix.notes]
    return lines


def _series(values: list[float]) -> str:
    """Runs of equal values: [8, 8, 16, 16, 16] → '8 (months 1–2), 16 (3–5)'."""
    runs: list[list[float]] = []
    for month, value in enumerate(values, start=1):
        if runs and runs[-1][0] == value:
            runs[-1][2] = month
        else:
            runs.append([value, month, month])
    return ", ".join(f"{v:g} (month{'s' if a != b else ''} {a:g}{f'–{b:g}' if a != b else ''})" for v, a, b in runs)


def mix_monthly_csv(mix: MixResult) -> str:
    """One row a month: the mix's cost by component and in total (USD), one-time costs in month 1's own column."""
    out = io.StringIO()
    writer = csv.writer(out)
    keys = list(mix.components_usd)
    writer.writerow(["month", *(f"{COMPONENT_NAMES.get(k, k)} (USD)" for k in keys), "one-time (USD)", "total (USD)"])
    for t, total in enumerate(mix.monthly_cost_usd):
        one_time = mix.one_time_usd if t == 0 else 0.0
        row = [round(mix.components_usd[k][t], 2) for k in keys]
        writer.writerow([t + 1, *row, round(one_time, 2), round(total + one_time, 2)])
    return out.getvalue()


def mix_sheets(mix: MixResult) -> dict[str, tuple[list[Column], list[dict[str, Any]]]]:
    """The workbook's sheets for the mix: who serves what (with the mix against the best single option in words),
    and its cost by component month by month (one-time costs in month 1's own column)."""
    who = [
        Column("class", "request class", width=18),
        Column("option", "option", width=22),
        Column("offer", "offer (self-hosted)", width=24),
        Column("role", "role", width=12),
        Column("share", "share of the class's requests (%)", "percent", 18),
    ]
    rows = [{"class": a.class_name, "option": a.option, "offer": a.offer, "role": a.role, "share": a.share}
            for a in mix.assignments]  # fmt: skip
    keys = list(mix.components_usd)
    month_columns = [
        Column("month", "month", "int", 8),
        *(Column(k, f"{COMPONENT_NAMES.get(k, k)} (USD)", "usd", 18) for k in keys),
        Column("one_time", "one-time (USD)", "usd"),
        Column("total", "total (USD)", "usd"),
    ]
    months = [
        {"month": t + 1, **{k: mix.components_usd[k][t] for k in keys},
         "one_time": mix.one_time_usd if t == 0 else 0.0, "total": total + (mix.one_time_usd if t == 0 else 0.0)}
        for t, total in enumerate(mix.monthly_cost_usd)
    ]  # fmt: skip
    return {"best mix": (who, rows), "best mix by month": (month_columns, months)}
