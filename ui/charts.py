"""Plotly figures for the pages, and one way to show them (with a PNG download in the chart toolbar).

Colours and layout: `ui.chart_style`; money and volume axes: `ui.money_axes`; the Risk page's figures:
`ui.risk_charts`, the Throughput page's `ui.throughput_charts` (named here too, as the pages call them).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from tco import BreakEven, OptionResult, ScenarioResult
from tco.finance.volume_ranges import edge_words
from tco.records.amounts import months_words, usd
from tco.records.benchmarks import benchmark_name
from ui.chart_labels import LABEL_SHIFT_PX, LEFT, MARKER_RADIUS_PX, RIGHT, SIDE_GAP_PX, label_tiers, line_points
from ui.chart_style import (
    API,
    COMPONENT_COLOURS,
    CROSSING_DASHES,
    EVEN,
    FULL_WIDTH_PX,
    LABEL_PX,
    LAYOUT,
    LEGEND_ROW_PX,
    LOSS,
    OPTION_PALETTE,
    SAVINGS,
    SELF_HOSTED,
    TEXT_PX,
    VOLUME_PLOT_PX,
    chart_name,
    height_for_legend,
    legend_rows,
    spread,
)
from ui.money_axes import log_axis, money_axis, money_values
from ui.risk_charts import fan as fan
from ui.risk_charts import histogram as histogram
from ui.risk_charts import tornado as tornado
from ui.throughput_charts import latency_curves as latency_curves
from ui.throughput_charts import pareto as pareto


def show(figure: go.Figure, name: str) -> None:
    """Render with the toolbar's camera button saving a 2x PNG named after the chart."""
    config = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2}}
    st.plotly_chart(figure, width="stretch", config=config, key=f"chart.{name}")


def breakdown(result: ScenarioResult, ranked: list[OptionResult]) -> go.Figure:
    """Mean monthly cost over the horizon by component, one horizontal bar per option (ids read without rotation);
    the legend under the axis title, the figure tall enough for its rows (about five entries a row)."""
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
            hovertemplate="%{y}: %{x:$,.0f}/month<extra>" + component.replace("_", " ") + "</extra>",
        )
    totals = [sum(sum(v) for v in o.monthly_components_usd.values()) / months for o in ranked]
    rows = legend_rows([c.replace("_", " ") for c in components], FULL_WIDTH_PX)
    figure.update_layout(
        barmode="stack",
        title=f"Cost a month by component (mean over {months_words(months)})",
        xaxis=money_axis("USD per month", [0.0, *totals]),
        yaxis={"automargin": True},
        height=max(260, 60 + 36 * len(ranked)) + LEGEND_ROW_PX * rows,
        **LAYOUT,
    )
    return figure


def option_colours(ids: list[str]) -> dict[str, str]:
    """One palette colour per option id, in the order given."""
    return {option_id: OPTION_PALETTE[i % len(OPTION_PALETTE)] for i, option_id in enumerate(ids)}


def cost_vs_volume(
    grid: np.ndarray,
    costs: np.ndarray,
    ids: list[str],
    kinds: dict[str, str],
    pair: BreakEven | None,
    current_requests: float,
) -> go.Figure:
    """Each option its own colour (APIs dotted), labelled at the line's end with the labels spread so none sits
    on another; where the pair's cheaper side changes, a dashed line named in the legend; money and volumes read
    $1M, 1B."""
    window = (grid >= current_requests / 1000) & (grid <= current_requests * 1000)
    x = grid[window]
    colours = option_colours(ids)
    figure = go.Figure()
    for row, option_id in enumerate(ids):
        emphasis = pair is not None and option_id in (pair.self_hosted, pair.api)
        figure.add_scatter(
            x=x,
            y=costs[row][window],
            name=option_id,
            mode="lines",
            line={
                "shape": "hv",
                "color": colours[option_id],
                "width": 3.5 if emphasis else 1.5,
                "dash": "solid" if kinds[option_id] != "api" else "dot",
            },
            hovertemplate="%{x:,.0f} req/month: %{y:$,.0f}<extra>" + option_id + "</extra>",
        )
    shown = costs[:, window]
    positive = shown[np.isfinite(shown) & (shown > 0)]
    y_range = [0.0, 1.0]
    if positive.size:
        low, high = np.log10(positive.min()), np.log10(positive.max())
        pad = max(high - low, 1.0) * 0.05
        y_range = [float(low - pad), float(high + pad)]
        _end_labels(figure, x, shown, ids, colours, y_range)
    names = _crossings(figure, pair, y_range, colours) if pair is not None else []
    figure.add_vline(x=current_requests, line={"color": "grey"})
    figure.add_annotation(  # over the crossings' lines, which cross it where they lie near (a reviewer: overprinted)
        x=np.log10(current_requests),
        y=0,
        yref="paper",
        text="your volume",
        showarrow=False,
        xanchor="right",
        bgcolor="rgba(255,255,255,0.85)",
    )
    figure.update_layout(
        title="Monthly cost vs volume (first-month prices, whole replicas)",
        # the words under the chart speak of the whole search (100 to 100 billion): the axis says what it shows
        # the axis ends where the lines do, 1,000× either side (a crossing's line further out had stretched it to
        # 1T, the lines stopping at 30B: a reviewer); the y axis ticks 1, 2 and 5 of a decade where the costs span
        # few decades (a $1k–$31k chart had two ticks, the top lines above the last)
        xaxis=log_axis(
            "requests per month (1,000× either side of your volume)",
            range=[float(np.log10(x[0])), float(np.log10(x[-1]))] if x.size else None,
        ),
        yaxis=log_axis("USD per month", money=True, values=positive.tolist(), range=y_range),
        height=VOLUME_PLOT_PX + 130 + LEGEND_ROW_PX * legend_rows([*ids, *names], FULL_WIDTH_PX),
        **{
            **LAYOUT,
            "margin": {**LAYOUT["margin"], "r": 20 + TEXT_PX * max((len(chart_name(i)) for i in ids), default=0)},
        },
    )
    return figure


def _end_labels(
    figure: go.Figure, x: np.ndarray, costs: np.ndarray, ids: list[str], colours: dict[str, str], y_range: list[float]
) -> None:
    """Each line's name just right of its end, at its end's height or, where ends crowd, spread apart by a line of
    text (the y range is fixed so that a label's gap in log units is a known number of pixels). A whole label stays
    inside the plot: one at the range's very top was half hidden above it."""
    gap = (y_range[1] - y_range[0]) * LABEL_PX / VOLUME_PLOT_PX
    labelled = []
    for option_id, row in zip(ids, costs, strict=True):
        finite = row[np.isfinite(row) & (row > 0)]
        if finite.size:
            labelled.append((option_id, float(np.log10(finite[-1]))))
    heights = spread([end for _, end in labelled], gap, y_range[0] + gap / 2, y_range[1] - gap / 2)
    for (option_id, _), height in zip(labelled, heights, strict=True):
        figure.add_annotation(x=float(np.log10(x[-1])), y=height, text=chart_name(option_id), showarrow=False,
                              xanchor="left", xshift=6, font={"color": colours[option_id]})  # fmt: skip


def _crossings(figure: go.Figure, pair: BreakEven, y_range: list[float], colours: dict[str, str]) -> list[str]:
    """Where each month-1 range of the pair begins: a dashed line in the colour of the option cheaper from there (grey
    where the two run even), named in the legend (text on the plot would print over the lines' labels and over each
    other where two crossings are close); the names. Each crossing has its own dash, so two of one side tell apart.
    All were green before: "from 8.9M: gemini-3.1-pro cheaper" in green beside gemini's red line (a reviewer)."""
    names = []
    starts = [r for r in pair.month_one_ranges if r.from_requests_per_month is not None]
    words = edge_words(pair.month_one_ranges)  # the volumes as the sentence under the chart writes them
    for i, band in enumerate(starts):
        dash = CROSSING_DASHES[i % len(CROSSING_DASHES)]
        volume = band.from_requests_per_month or 0.0
        cheaper = {"self_hosted": pair.self_hosted, "api": pair.api}.get(band.cheaper)
        colour = colours.get(cheaper, EVEN) if cheaper else EVEN
        side = cheaper or "the two alternate"
        name = f"from {words[volume]}: {side}" + (" cheaper" if cheaper else "")
        hover = f"From {volume:,.0f} requests/month: {side}" + (" cheaper (month 1)" if cheaper else "")
        figure.add_scatter(x=[volume, volume], y=[10 ** y_range[0], 10 ** y_range[1]], mode="lines", name=name,
                           line={"color": colour, "dash": dash}, hovertemplate=hover + "<extra></extra>")  # fmt: skip
        names.append(name)
    return names


def cumulative(
    months: list[str],
    hosted: OptionResult,
    other: OptionResult,
    savings: list[float],
    payback_month: int | None,
    title: str = "Cumulative cost and savings, undiscounted",
    colours: dict[str, str] | None = None,
) -> go.Figure:
    """Each option's cumulative cost, one-time costs paid up front, and the cumulative savings of `hosted`
    against `other` as bars (red while behind), the payback month marked. Pairs: `BreakEven`'s savings and
    payback; a distilled student against its teacher: its `distillation` block's. `colours`: each option's colour
    where a chart beside it draws the same options (`option_colours`), so an option keeps its colour on the page;
    else self-hosted blue, the other orange."""
    colours = colours or {}
    figure = go.Figure()
    costs = [np.cumsum(o.monthly_cost_usd) + o.total_cost_usd - sum(o.monthly_cost_usd) for o in (hosted, other)]
    owed = horizon_obligation(costs[0], costs[1], savings)
    if owed:  # the bars count it in the last month: the self-hosted line carries it there too, one basis for both
        costs[0][-1] += owed
    for option, cost, colour in ((hosted, costs[0], colours.get(hosted.id, SELF_HOSTED)),
                                 (other, costs[1], colours.get(other.id, API))):  # fmt: skip
        figure.add_scatter(x=months, y=cost, name=f"{chart_name(option.id)} cumulative cost", line={"color": colour})
    figure.add_bar(
        x=months,
        y=savings,
        name="cumulative savings (red: self-hosting behind)",
        marker_color=[SAVINGS if v >= 0 else LOSS for v in savings],
        opacity=0.5,
        hovertemplate="%{x|%b %Y}: %{y:$,.0f}<extra>cumulative savings</extra>",  # the name was cut in the hover
    )
    margin = LAYOUT["margin"]
    if owed:  # the words under the title, an arrow alone at the bar: on the chart they covered bars and a line (a
        # reviewer, at 1280 px)
        title = f"{title}<br><sup>The last month counts the reserved term past the horizon: {usd(owed)}</sup>"
        margin = {**margin, "t": 72}
        figure.add_annotation(x=months[-1], y=savings[-1], text="", showarrow=True, arrowhead=2, ax=-30, ay=-30)
    if payback_month is not None:  # owned: these are P&L figures (capital charged monthly), not cash
        which = "P&L payback" if hosted.ownership == "owned" else "payback"
        mark_month(figure, months[payback_month - 1], f"{which}, month {payback_month}")
    figure.update_layout(title=title, yaxis=money_axis("USD", money_values(*costs, savings)),
                         height=height_for_legend(figure, 400, FULL_WIDTH_PX),
                         **{**LAYOUT, "margin": margin})  # fmt: skip
    return figure


def horizon_obligation(hosted_cost: np.ndarray, other_cost: np.ndarray, savings: list[float]) -> float:
    """What the savings charge the self-hosted side in the last month beyond its cumulative cost: a reserved term
    past the horizon (`tco.decision.pairs`, counted as an obligation there). A reviewer saw the bars drop by
    $2.2M in the last month while the cost lines did not move. 0 where the two agree to the dollar.

    >>> horizon_obligation(np.array([10.0, 20.0]), np.array([15.0, 30.0]), [5.0, -90.0])
    100.0
    """
    gaps = (other_cost - hosted_cost) - np.asarray(savings)
    if len(gaps) < 1 or abs(gaps[-1]) < 0.5 or (len(gaps) > 1 and np.max(np.abs(gaps[:-1])) >= 0.5):
        return 0.0  # no lump, or the two disagree before the horizon too: nothing said about it here
    return float(gaps[-1])


def mark_month(figure: go.Figure, month: str, text: str) -> None:
    """A dashed vertical line at a month of a category axis, labelled at the top. (Plotly's own
    `annotation_text` averages the line's x values and fails on "YYYY-MM" categories.)"""
    figure.add_vline(x=month, line={"dash": "dash"})
    figure.add_annotation(x=month, y=1, yref="paper", text=text, showarrow=False, yanchor="bottom")


def cash_vs_pnl(months: list[str], hosted: OptionResult) -> go.Figure:
    """An owned fleet's cumulative cash out (servers paid when bought) beside its P&L and accounting costs."""
    assert hosted.cash_flow_usd is not None
    figure = go.Figure()
    figure.add_scatter(
        x=["purchase", *months], y=np.cumsum(hosted.cash_flow_usd), name="cash (servers bought up front)", mode="lines"
    )
    figure.add_scatter(x=months, y=np.cumsum(hosted.monthly_cost_usd), name="P&L (capital as monthly charge)")
    if hosted.accounting_cost_usd is not None:
        figure.add_scatter(x=months, y=np.cumsum(hosted.accounting_cost_usd),
                           name="accounting (straight-line depreciation)", line={"dash": "dot"})  # fmt: skip
    lines = [np.cumsum(hosted.cash_flow_usd), np.cumsum(hosted.monthly_cost_usd),
             np.cumsum(hosted.accounting_cost_usd or [0.0])]  # fmt: skip
    height = height_for_legend(figure, 400, FULL_WIDTH_PX)
    figure.update_layout(title=f"{hosted.id}: cumulative cash out vs P&L cost",
                         yaxis=money_axis("USD", money_values(*lines)), height=height, **LAYOUT)  # fmt: skip
    return figure


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


MIN_SCORE_SPAN = 10.0
"""Points of a 0–100 benchmark score the quality axis shows at least: two scores 0.1 apart filled the plot's
height (an axis from 80 to 80.1), drawing a tie as a gap."""


def score_range(scores: list[float], span: float = MIN_SCORE_SPAN) -> list[float] | None:
    """A y range holding `scores` (and the gate) at least `span` points tall around their middle, kept inside 0–100
    where every score is; None (Plotly's own range) where they already span more.

    >>> score_range([80.0, 80.1])
    [75.05, 85.05]
    >>> score_range([97.0, 99.5])  # kept inside 0–100
    [90.0, 100.0]
    >>> print(score_range([40.0, 85.0]))
    None
    """
    if not scores:
        return None
    low, high = min(scores), max(scores)
    if high - low >= span:
        return None
    low, high = (low + high - span) / 2, (low + high + span) / 2
    if min(scores) >= 0 and max(scores) <= 100:
        shift = max(0.0, -low) - max(0.0, high - 100)
        low, high = low + shift, high + shift
    return [round(low, 6), round(high, 6)]


def name_label(x: float, y: float, name: str, tier: int) -> dict[str, object]:
    """An option's name at `tier` (`ui.chart_labels.TIERS`) of its marker at (x, y) as a Plotly annotation: just
    above or below it, or, lifted a tier or more over other markers and names, joined to it by a thin line, so that
    a name among markers at one score says whose it is.

    >>> name_label(-2.0, 80.0, "a", 0)["yshift"], name_label(-2.0, 80.0, "a", -1)["yanchor"]
    (7.0, 'top')
    >>> name_label(-2.0, 80.0, "a", RIGHT)["xanchor"], name_label(-2.0, 80.0, "a", LEFT)["xshift"]
    ('left', -10.0)
    >>> lifted = name_label(-2.0, 80.0, "a", 2)
    >>> lifted["showarrow"], lifted["ay"]
    (True, -47.0)
    """
    base = {"x": x, "y": y, "text": name, "bgcolor": "rgba(255,255,255,0.85)", "font": {"size": 12, "color": "#555"}}
    if tier in (RIGHT, LEFT):
        gap = MARKER_RADIUS_PX + SIDE_GAP_PX
        side = {"xanchor": "left", "xshift": gap} if tier == RIGHT else {"xanchor": "right", "xshift": -gap}
        return {**base, "showarrow": False, "yanchor": "middle", **side}
    if tier <= 0:
        shift = (
            {"yanchor": "top", "yshift": -LABEL_SHIFT_PX}
            if tier < 0
            else {"yanchor": "bottom", "yshift": LABEL_SHIFT_PX}
        )
        return {**base, "showarrow": False, **shift}
    # the name's box sits where `label_tiers` placed it: its middle LABEL_SHIFT_PX + (tier + ½) label heights up
    return {**base, "showarrow": True, "ax": 0, "ay": -(LABEL_SHIFT_PX + (tier + 0.5) * LABEL_PX), "arrowhead": 0,
            "arrowwidth": 1, "arrowcolor": "#999", "standoff": MARKER_RADIUS_PX}  # fmt: skip


def quality_scatter(options: list[OptionResult], front: list[int], min_score: float | None, metric: str) -> go.Figure:
    """Each scored option's $ per task (log axis reading $0.005, $0.01) against its score, the Pareto frontier
    dashed, the quality gate dotted."""
    scored = [o for o in options if o.quality_score is not None]
    figure = go.Figure()
    for kind, colour in (("api", API), ("self_hosted", SELF_HOSTED)):
        chosen = [o for o in scored if o.kind == kind]
        figure.add_scatter(
            x=[o.usd_per_request for o in chosen],
            y=[o.quality_score for o in chosen],
            mode="markers",
            text=[o.id for o in chosen],
            marker={"size": 12, "color": colour},
            name="API" if kind == "api" else "self-hosted",
        )
    # each option's name above its marker (below, where above would cover another marker) on a white ground, over
    # the frontier's line rather than under it (a scatter's own text has no background: the frontier's step ran
    # through "oss120-h200-1y"); x is log10 on a log axis
    placed = [o for o in scored if o.usd_per_request and o.usd_per_request > 0]
    x_axis = log_axis("$ per task (first month; each option's own tokens)", True, [o.usd_per_request for o in scored])
    y_range = score_range([o.quality_score for o in scored] + ([min_score] if min_score is not None else []))
    frontier = [options[i] for i in front]
    steps = [(float(np.log10(o.usd_per_request)), float(o.quality_score)) for o in frontier
             if o.usd_per_request and o.usd_per_request > 0 and o.quality_score is not None]  # fmt: skip
    tiers = label_tiers(
        [(float(np.log10(o.usd_per_request)), float(o.quality_score or 0), chart_name(o.id)) for o in placed],
        () if min_score is None else (min_score,),
        x_axis.get("range"),
        y_range,
        line_points(steps),  # a name over the frontier's first step hid where the frontier starts (a reviewer)
    )
    figure.update_layout(annotations=[name_label(float(np.log10(o.usd_per_request)), o.quality_score or 0.0,
                                                 chart_name(o.id), tier)
                                      for o, tier in zip(placed, tiers, strict=True)])  # fmt: skip
    figure.add_scatter(
        x=[o.usd_per_request for o in frontier],
        y=[o.quality_score for o in frontier],
        mode="lines",
        line={"shape": "hv", "dash": "dash", "color": "grey"},
        name="Pareto frontier (no other option is both cheaper and better)",
    )
    if min_score is not None:
        figure.add_hline(y=min_score, line={"color": "red", "dash": "dot"}, annotation_text="good enough")
    figure.update_layout(
        title=f"Cost vs quality ({benchmark_name(metric)})",
        xaxis={**x_axis, "hoverformat": "$,.4~r"},
        yaxis={"title": f"{benchmark_name(metric)} score", "range": y_range},
        height=height_for_legend(figure, 400, FULL_WIDTH_PX),
        **LAYOUT,
    )
    return figure
