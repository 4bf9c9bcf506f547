"""The best mix's charts: the 24-hour load by who serves it, and its monthly cost by component."""

from __future__ import annotations

import plotly.graph_objects as go

from reports.mix import COMPONENT_NAMES
from tco.records.mix import MixResult
from ui.chart_style import LAYOUT, OPTION_PALETTE
from ui.money_axes import money_axis, money_values


def load_by_hour(mix: MixResult, month: int) -> go.Figure:
    """Requests/s in each UTC hour of `month` (1-based), stacked by the option that serves them."""
    figure = go.Figure()
    hours = list(range(24))
    for i, (option, by_month) in enumerate(mix.served_req_per_s.items()):
        figure.add_scatter(
            x=hours,
            y=by_month[month - 1],
            name=option,
            stackgroup="served",
            mode="lines",
            line={"width": 0.5, "color": OPTION_PALETTE[i % len(OPTION_PALETTE)]},
            hovertemplate=f"{option}: %{{y:,.2f}} req/s at %{{x}}:00 UTC<extra></extra>",
        )
    figure.update_layout(
        title=f"Who serves the load, hour by hour (month {month})",
        xaxis={"title": "hour (UTC)", "dtick": 2, "range": [0, 23]},
        yaxis={"title": "requests/s", "rangemode": "tozero"},
        height=380,
        **LAYOUT,
    )
    return figure


def cost_by_month(mix: MixResult) -> go.Figure:
    """The mix's running cost each month, stacked by component."""
    figure = go.Figure()
    months = list(range(1, len(mix.monthly_cost_usd) + 1))
    for key, values in mix.components_usd.items():
        if any(values):
            figure.add_bar(x=months, y=values, name=COMPONENT_NAMES.get(key, key),
                           hovertemplate="%{y:$,.0f}<extra>" + COMPONENT_NAMES.get(key, key) + "</extra>")  # fmt: skip
    figure.update_layout(
        title="The mix's cost a month, by component",
        barmode="stack",
        xaxis={"title": "month", "dtick": 3},
        yaxis=money_axis("USD a month", money_values(mix.monthly_cost_usd), rangemode="tozero"),
        height=380,
        **LAYOUT,
    )
    return figure
