"""Plotly figures for the pages, and one way to show them (with a PNG download in the chart toolbar)."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from tco import BreakEven, OptionResult, ScenarioResult
from tco.capacity.throughput_view import ProfileView
from tco.risk.montecarlo import MonteCarloResult
from tco.risk.sensitivity import Tornado

SELF_HOSTED = "#1f77b4"
API = "#ff7f0e"
SAVINGS = "#2ca02c"
LOSS = "#d62728"
LAYOUT: dict[str, Any] = {"margin": {"l": 10, "r": 10, "t": 50, "b": 10}, "legend": {"orientation": "h", "y": -0.2}}
COMPONENT_COLOURS = {
    "input": "#4c78a8",
    "cached_input": "#9ecae9",
    "cache_write": "#72b7b2",
    "output": "#f58518",
    "request_fees": "#e45756",
    "gpu_rental": "#54a24b",
    "capital": "#2f6b2a",
    "energy": "#eeca3b",
    "colocation": "#b279a2",
    "maintenance": "#ff9da6",
    "licences": "#9d755d",
    "egress": "#bab0ac",
    "storage": "#79706e",
    "staff_and_platform": "#8c6bb1",
    "staff_scaling": "#c2a5cf",
}
"""One colour per cost component in every chart and the report, whatever the theme."""
OPTION_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
LOG_AXIS: dict[str, Any] = {"type": "log", "dtick": 1, "exponentformat": "none"}
"""Log axes labelled at each power of ten only (no unlabelled 2 3 4 … 9 ticks read as values)."""


def show(figure: go.Figure, name: str) -> None:
    """Render with the toolbar's camera button saving a 2x PNG named after the chart."""
    config = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2}}
    st.plotly_chart(figure, width="stretch", config=config, key=f"chart.{name}")


def breakdown(result: ScenarioResult, ranked: list[OptionResult]) -> go.Figure:
    """Mean monthly cost over the horizon by component, one horizontal bar per option (ids read without rotation)."""
    months = len(result.assumptions["months"])
    present = {c for o in ranked for c in o.monthly_components_usd}
    components = [c for c in COMPONENT_COLOURS if c in present] + sorted(present - set(COMPONENT_COLOURS))
    shown = list(reversed(ranked))
    figure = go.Figure()
    for component in components:
        figure.add_bar(
            name=component.replace("_", " "),
            y=[o.id for o in shown],
            x=[sum(o.monthly_components_usd.get(component, [0.0])) / months for o in shown],
            orientation="h",
            marker_color=COMPONENT_COLOURS.get(component, "#7f7f7f"),
            hovertemplate="%{y}: $%{x:,.0f}/month<extra>" + component.replace("_", " ") + "</extra>",
        )
    figure.update_layout(
        barmode="stack",
        title=f"Cost a month by component (mean over {months} months)",
        xaxis={"title": "USD per month", "tickprefix": "$", "tickformat": "~s"},
        yaxis={"automargin": True},
        height=max(260, 60 + 36 * len(ranked)),
        **LAYOUT,
    )
    return figure


def option_colours(ids: list[str]) -> dict[str, str]:
    return {option_id: OPTION_PALETTE[i % len(OPTION_PALETTE)] for i, option_id in enumerate(ids)}


def cost_vs_volume(
    grid: np.ndarray,
    costs: np.ndarray,
    ids: list[str],
    kinds: dict[str, str],
    pair: BreakEven | None,
    current_requests: float,
) -> go.Figure:
    """Each option its own colour (APIs dotted), labelled at the line's end; the pair's crossings labelled."""
    window = (grid >= current_requests / 1000) & (grid <= current_requests * 1000)
    x = grid[window]
    colours = option_colours(ids)
    figure = go.Figure()
    for row, option_id in enumerate(ids):
        emphasis = pair is not None and option_id in (pair.self_hosted, pair.api)
        y = costs[row][window]
        figure.add_scatter(
            x=x,
            y=y,
            name=option_id,
            mode="lines+text",
            text=[""] * (len(x) - 1) + [option_id],
            textposition="middle right",
            textfont={"color": colours[option_id]},
            cliponaxis=False,
            line={
                "shape": "hv",
                "color": colours[option_id],
                "width": 3.5 if emphasis else 1.5,
                "dash": "solid" if kinds[option_id] != "api" else "dot",
            },
            hovertemplate="%{x:,.0f} req/month: $%{y:,.0f}<extra>" + option_id + "</extra>",
        )
    if pair is not None:  # where each range begins (month 1), named by the side cheaper from there on
        starts = [r for r in pair.month_one_ranges if r.from_requests_per_month is not None]
        for i, band in enumerate(starts[:4]):
            volume = band.from_requests_per_month or 0.0
            side = {"self_hosted": pair.self_hosted, "api": pair.api}.get(band.cheaper, "the two alternate")
            figure.add_vline(x=volume, line={"color": SAVINGS, "dash": "dash"})
            figure.add_annotation(
                x=np.log10(volume),
                y=1 - 0.08 * i,
                yref="paper",
                text=f"{volume:,.0f}: {side}" + (" cheaper from here (month 1)" if band.cheaper != "even" else ""),
                showarrow=False,
                xanchor="left",
                bgcolor="rgba(255,255,255,0.8)",
            )
    figure.add_vline(x=current_requests, line={"color": "grey"})
    figure.add_annotation(
        x=np.log10(current_requests), y=0, yref="paper", text="your volume", showarrow=False, xanchor="right"
    )
    figure.update_layout(
        title="Monthly cost vs volume (first-month prices, whole replicas)",
        xaxis={**LOG_AXIS, "title": "requests per month", "tickformat": "~s"},
        yaxis={**LOG_AXIS, "title": "USD per month", "tickprefix": "$", "tickformat": "~s"},
        **{**LAYOUT, "margin": {**LAYOUT["margin"], "r": 110}},
    )
    return figure


def cumulative(
    months: list[str],
    hosted: OptionResult,
    other: OptionResult,
    savings: list[float],
    payback_month: int | None,
    title: str = "Cumulative cost and savings",
) -> go.Figure:
    """Each option's cumulative cost, one-time costs paid up front, and the cumulative savings of `hosted`
    against `other` as bars (red while behind), the payback month marked. Pairs: `BreakEven`'s savings and
    payback; a distilled student against its teacher: its `distillation` block's."""
    figure = go.Figure()
    for option, colour, name in ((hosted, SELF_HOSTED, f"{hosted.id} cumulative cost"),
                                 (other, API, f"{other.id} cumulative cost")):  # fmt: skip
        upfront = option.total_cost_usd - sum(option.monthly_cost_usd)
        figure.add_scatter(x=months, y=upfront + np.cumsum(option.monthly_cost_usd), name=name, line={"color": colour})
    figure.add_bar(
        x=months,
        y=savings,
        name="cumulative savings (red: self-hosting behind)",
        marker_color=[SAVINGS if v >= 0 else LOSS for v in savings],
        opacity=0.5,
    )
    if payback_month is not None:  # owned: these are P&L figures (capital charged monthly), not cash
        which = "P&L payback" if hosted.ownership == "owned" else "payback"
        mark_month(figure, months[payback_month - 1], f"{which}, month {payback_month}")
    figure.update_layout(title=title, yaxis={"title": "USD", "tickprefix": "$", "tickformat": "~s"}, **LAYOUT)
    return figure


def mark_month(figure: go.Figure, month: str, text: str) -> None:
    """A dashed vertical line at a month of a category axis, labelled at the top. (Plotly's own
    `annotation_text` averages the line's x values and fails on "YYYY-MM" categories.)"""
    figure.add_vline(x=month, line={"dash": "dash"})
    figure.add_annotation(x=month, y=1, yref="paper", text=text, showarrow=False, yanchor="bottom")


def cash_vs_pnl(months: list[str], hosted: OptionResult) -> go.Figure:
    assert hosted.cash_flow_usd is not None
    figure = go.Figure()
    figure.add_scatter(
        x=["purchase", *months], y=np.cumsum(hosted.cash_flow_usd), name="cash (servers bought up front)", mode="lines"
    )
    figure.add_scatter(x=months, y=np.cumsum(hosted.monthly_cost_usd), name="P&L (capital as monthly charge)")
    if hosted.accounting_cost_usd is not None:
        figure.add_scatter(x=months, y=np.cumsum(hosted.accounting_cost_usd),
                           name="accounting (straight-line depreciation)", line={"dash": "dot"})  # fmt: skip
    figure.update_layout(title=f"{hosted.id}: cumulative cash out vs P&L cost", yaxis_title="USD", **LAYOUT)
    return figure


def latency_curves(view: ProfileView, bounds: dict[str, float], title: str, shape_label: str) -> go.Figure:
    """Measured levels as markers; the fitted model at the workload's shape as lines; SLO bounds; the knee."""
    x = [r.req_per_s for r in view.rows]
    figure = go.Figure()
    series = (("TTFT", "ttft"), ("ITL", "itl"), ("E2E", "e2e"))
    for (label, key), colour in zip(series, ("#1f77b4", "#ff7f0e", "#2ca02c"), strict=True):
        for pct, symbol in (("p50", "circle"), ("p99", "diamond")):
            y = [getattr(r, f"{key}_{pct}_s") for r in view.rows]
            if any(v is not None for v in y):
                figure.add_scatter(x=x, y=y, name=f"{label} {pct} measured", mode="markers",
                                   marker={"symbol": symbol, "color": colour})  # fmt: skip
            curve = [p.latencies_s.get(f"{key}_{pct}") for p in view.curve]
            if any(v is not None for v in curve):
                figure.add_scatter(x=[p.req_per_s for p in view.curve], y=curve, mode="lines",
                                   name=f"{label} {pct} model at {shape_label}",
                                   line={"color": colour, "dash": "solid" if pct == "p99" else "dot"})  # fmt: skip
    if not figure.data:
        figure.add_annotation(text="No latency data in this profile", showarrow=False, x=0.5, y=0.5, xref="paper",
                              yref="paper", font={"size": 16})  # fmt: skip
        figure.update_layout(title=title, xaxis={"visible": False}, yaxis={"visible": False}, **LAYOUT)
        return figure
    for name, bound in bounds.items():
        figure.add_hline(y=bound, line={"dash": "dash", "color": "red"}, annotation_text=f"SLO {name} ≤ {bound:g} s",
                         annotation_position="top left")  # fmt: skip
    if view.capacity.req_per_s is not None:
        picked = "capacity at the SLO" if view.capacity.level_index is not None else "predicted knee"
        figure.add_vline(x=view.capacity.req_per_s, line={"color": SAVINGS}, annotation_text=picked,
                         annotation_position="bottom right")  # fmt: skip
    figure.update_layout(
        title=title,
        xaxis_title="requests/s per replica",
        yaxis={**LOG_AXIS, "title": "seconds", "tickformat": "~g", "ticksuffix": " s"},
        **LAYOUT,
    )
    return figure


def pareto(view: ProfileView, title: str) -> go.Figure:
    rows = [r for r in view.rows if r.tokens_per_s_per_user and r.output_tokens_per_s_per_gpu]
    figure = go.Figure()
    for meets, name, symbol in ((True, "meets the SLO", "circle"), (False, "misses the SLO", "x")):
        chosen = [r for r in rows if r.meets_slo == meets]
        figure.add_scatter(
            x=[r.tokens_per_s_per_user for r in chosen],
            y=[r.output_tokens_per_s_per_gpu for r in chosen],
            mode="markers",
            marker={"symbol": symbol, "size": 10},
            name=name,
            text=[f"load level {r.index + 1}" + (" (implausible)" if r.implausible else "") for r in chosen],
        )
    ceilings = [r.roofline_output_tokens_per_s_per_gpu for r in rows if r.roofline_output_tokens_per_s_per_gpu]
    if ceilings:
        figure.add_hline(y=max(ceilings), line={"dash": "dot"}, annotation_text="roofline ceiling (estimate)")
    figure.update_layout(
        title=title,
        xaxis_title="output tokens/s per user (1 / ITL p50)",
        yaxis_title="output tokens/s per GPU",
        **LAYOUT,
    )
    return figure


def tornado(bars: Tornado) -> go.Figure:
    """Each bar from the base savings to the savings at the input's low and high end, labelled with the end."""
    ordered = list(reversed(bars.bars))
    labels = [b.input for b in ordered]
    figure = go.Figure()
    for side in ("low", "high"):
        figure.add_bar(
            y=labels,
            x=[getattr(b, f"savings_at_{side}_usd") - bars.base_savings_usd for b in ordered],
            base=bars.base_savings_usd,
            orientation="h",
            name=f"input {side}",
            text=[getattr(b, f"{side}_label") for b in ordered],
            customdata=[[getattr(b, side), b.unit, getattr(b, f"savings_at_{side}_usd")] for b in ordered],
            hovertemplate="%{y}: %{customdata[0]:.4g} %{customdata[1]}<br>NPV of savings $%{customdata[2]:,.0f}"
            "<extra></extra>",
        )
    figure.add_vline(x=0, line={"color": "black"})
    figure.update_layout(
        barmode="overlay",
        title=f"NPV of savings ({bars.api} minus {bars.self_hosted}) as each input swings",
        xaxis_title="USD (right of zero: self-hosting saves money)",
        **LAYOUT,
    )
    return figure


def fan(months: list[str], mc: MonteCarloResult, option_ids: list[str]) -> go.Figure:
    figure = go.Figure()
    for option_id, colour in zip(option_ids, (SELF_HOSTED, API), strict=False):
        p10, p50, p90 = mc.monthly_bands(option_id)
        figure.add_scatter(x=months, y=p90, line={"width": 0, "color": colour}, showlegend=False, hoverinfo="skip")
        figure.add_scatter(
            x=months, y=p10, fill="tonexty", line={"width": 0, "color": colour}, name=f"{option_id} P10–P90"
        )
        figure.add_scatter(x=months, y=p50, line={"color": colour}, name=f"{option_id} P50")
    figure.update_layout(title="Monthly cost, Monte Carlo bands", yaxis_title="USD per month", **LAYOUT)
    return figure


def histogram(savings_usd: np.ndarray, p10_p50_p90: tuple[float, float, float]) -> go.Figure:
    """Bins right of zero green (self-hosting saves), left red; P10/P50/P90 named on the lines, values in the title."""
    counts, edges = np.histogram(savings_usd, bins=60)  # binned here: 60 bars travel to the browser, not every sample
    centres = (edges[:-1] + edges[1:]) / 2
    figure = go.Figure()
    figure.add_bar(x=centres, y=counts, width=np.diff(edges), name="samples",
                   marker_color=[SAVINGS if c >= 0 else LOSS for c in centres])  # fmt: skip
    positions = ("top left", "top", "top right")
    for label, value, position in zip(("P10", "P50", "P90"), p10_p50_p90, positions, strict=True):
        figure.add_vline(x=value, line={"dash": "dash"}, annotation_text=label, annotation_position=position)
    figure.add_vline(x=0, line={"color": "black"})
    values = ", ".join(f"{label} {_usd(v)}" for label, v in zip(("P10", "P50", "P90"), p10_p50_p90, strict=True))
    figure.update_layout(
        title=f"NPV of savings across samples ({values})",
        xaxis={"title": "USD (right of zero: self-hosting saves)", "tickprefix": "$", "tickformat": "~s"},
        yaxis_title="samples",
        showlegend=False,
        **LAYOUT,
    )
    return figure


def _usd(value: float) -> str:
    return f"{'-' if value < 0 else ''}${abs(value):,.0f}"


def daily_curve(curve: tuple[float, ...]) -> go.Figure:
    """The 24-hour load curve as typed, scaled to mean 1, so its peak-to-average reads off the y axis."""
    mean = sum(curve) / len(curve)
    figure = go.Figure()
    figure.add_bar(x=list(range(24)), y=[v / mean for v in curve], marker_color=SELF_HOSTED, name="load")
    figure.add_hline(y=1, line={"dash": "dot"}, annotation_text="mean", annotation_position="top left")
    figure.update_layout(
        title=f"Load by UTC hour (peak-to-average {max(curve) / mean:.2f})",
        xaxis={"title": "UTC hour", "dtick": 3},
        yaxis_title="× mean",
        height=220,
        showlegend=False,
        **{**LAYOUT, "margin": {"l": 10, "r": 10, "t": 40, "b": 10}},
    )
    return figure


def quality_scatter(options: list[OptionResult], front: list[int], min_score: float | None, metric: str) -> go.Figure:
    scored = [o for o in options if o.quality_score is not None]
    figure = go.Figure()
    for kind, colour in (("api", API), ("self_hosted", SELF_HOSTED)):
        chosen = [o for o in scored if o.kind == kind]
        figure.add_scatter(
            x=[o.usd_per_request for o in chosen],
            y=[o.quality_score for o in chosen],
            mode="markers+text",
            text=[o.id for o in chosen],
            textposition="top center",
            marker={"size": 12, "color": colour},
            name="API" if kind == "api" else "self-hosted",
        )
    frontier = [options[i] for i in front]
    figure.add_scatter(
        x=[o.usd_per_request for o in frontier],
        y=[o.quality_score for o in frontier],
        mode="lines",
        line={"shape": "hv", "dash": "dash", "color": "grey"},
        name="Pareto frontier",
    )
    if min_score is not None:
        figure.add_hline(y=min_score, line={"color": "red", "dash": "dot"}, annotation_text="good enough")
    figure.update_layout(
        title=f"Cost vs quality ({metric})",
        xaxis={
            **LOG_AXIS,
            "title": "$ per task (first month; each option's own tokens)",
            "tickprefix": "$",
            "tickformat": "~g",
        },
        yaxis_title=metric,
        **LAYOUT,
    )
    return figure
