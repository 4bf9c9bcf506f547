"""Charts of imported usage: spend by model and month, the day × hour heat map. Sums only, never a request."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import plotly.graph_objects as go

from tco.cost.reconcile import Reconciliation
from tco.workload.usage_records import UsageBucket
from ui.chart_style import LEGEND_BELOW
from ui.money_axes import money_axis, money_values


def spend_by_month(rows: Sequence[Reconciliation]) -> go.Figure:
    """Reported (solid) and priced-by-us (outlined) cost per model and month; money reads "$1.5M", the legend below
    the axis."""
    fig = go.Figure()
    for model in sorted({r.model for r in rows}):
        mine = [r for r in rows if r.model == model]
        months = [r.month for r in mine]
        if any(r.reported_cost_usd is not None for r in mine):
            fig.add_bar(x=months, y=[r.reported_cost_usd for r in mine], name=f"{model} (reported)",
                        hovertemplate="%{x}: %{y:$,.2f}")  # fmt: skip
        fig.add_bar(x=months, y=[r.priced_cost_usd for r in mine], name=f"{model} (our prices)",
                    marker_pattern_shape="/", hovertemplate="%{x}: %{y:$,.2f}")  # fmt: skip
    amounts = money_values([r.priced_cost_usd for r in rows], [r.reported_cost_usd for r in rows])
    fig.update_layout(barmode="group", height=340, margin={"t": 30, "b": 10}, yaxis=money_axis("USD", amounts),
                      xaxis_type="category", legend=LEGEND_BELOW)  # fmt: skip
    return fig


def heat_map(buckets: Sequence[UsageBucket]) -> go.Figure:
    """Requests (or tokens, where requests are not counted) by UTC day and hour of day."""
    counted = all(b.requests is not None for b in buckets)
    load: dict[str, list[float]] = defaultdict(lambda: [0.0] * 24)
    for b in buckets:
        load[b.hour.date().isoformat()][b.hour.hour] += b.requests if counted else b.input_tokens + b.output_tokens  # type: ignore[operator]
    days = sorted(load)
    highest = max((max(row) for row in load.values()), default=0.0)
    # whole counts: ticks of 1 where the counts are small (Plotly's own put 0.5, 1.5… on request counts); the title
    # along the bar's side, below the toolbar a pointer over the chart draws at its top right (a reviewer)
    colorbar = {"title": {"text": "requests" if counted else "tokens", "side": "right"}, "tickformat": ",.0f"}
    if highest <= 10:
        colorbar |= {"tick0": 0, "dtick": 1}
    fig = go.Figure(
        go.Heatmap(
            z=[load[d] for d in days],
            x=list(range(24)),
            y=days,
            colorscale="Blues",
            colorbar=colorbar,
            hovertemplate="%{y} %{x}:00 UTC: %{z:,.0f}<extra></extra>",
        )
    )
    fig.update_layout(height=min(900, 120 + 9 * len(days)), margin={"t": 10, "b": 10},
                      xaxis_title="hour of day (UTC)", yaxis_autorange="reversed")  # fmt: skip
    return fig
