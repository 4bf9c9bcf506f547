"""What every chart shares: colours (one per option kind, component, gain and loss), the layout with its legend
placed to cover nothing, and label spreading so that labels never sit on each other."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

SELF_HOSTED = "#1f77b4"
API = "#ff7f0e"
SAVINGS = "#2ca02c"
LOSS = "#d62728"
EVEN = "#7f7f7f"
"""A crossing from which the two options run even (neither side's colour)."""
CROSSING_DASHES = ("dash", "dashdot", "longdash", "longdashdot")
"""Each crossing's dash: crossings take the colour of the option cheaper from there, so several of one side tell
apart by their dash (four greens read as one colour in the legend, a reviewer); never "dot", the API options'
own lines."""
LEGEND_BELOW: dict[str, Any] = {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0}
"""The legend under the x axis title, in the figure's bottom margin (Plotly grows the margin to hold it), so it
covers neither the plot nor the axis title, however many rows it wraps to."""
LAYOUT: dict[str, Any] = {
    "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
    "legend": LEGEND_BELOW,
    "modebar": {"orientation": "v"},
}
"""The tool bar that appears on hover stands down the right edge: across the top it covered a long title at 1280 px."""
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
OPTION_PALETTE = (SELF_HOSTED, API, "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#393b79")
"""One colour an option, without SAVINGS' green and LOSS' red: those say ahead or behind on the same charts (a
reviewer read a red "qwen8-lora cumulative cost" line as self-hosting behind)."""
LEGEND_ROW_PX = 22
LEGEND_SYMBOL_PX = 50
"""A legend entry's symbol and padding beside its text."""
HALF_WIDTH_PX = 400
"""The plot width of a chart in half a page at 1280 px: the narrowest any chart is drawn."""
FULL_WIDTH_PX = 700
"""The plot width of a full-width chart at 1280 px, less its axis labels."""
TORNADO_LOW = "#4c78a8"
TORNADO_HIGH = "#9ecae9"
TEXT_PX = 7
"""Width of one character of 12 px chart text, near enough to leave room for a label."""
LABEL_PX = 16
"""Height of one line of chart text (12 px font and its leading): the least gap between two labels."""
VOLUME_PLOT_PX = 330
"""The cost-vs-volume plot area's height, which the end labels are spread over."""


CHART_NAME_CHARS = 24
"""The longest option id a chart writes whole, in a label, title or legend entry; a longer one keeps its start and
end around "…" (`chart_name`; the hover and the page's tables keep it whole)."""


def chart_name(name: str, chars: int = CHART_NAME_CHARS) -> str:
    """`name` as a chart writes it: whole up to `chars`, else its first two thirds and its end around "…". An
    80-character id at each line's end had taken 580 px of a 880 px chart (a reviewer).

    >>> chart_name("glm5-h200"), chart_name("self-hosted-gpt-oss-120b-on-rented-h200-three-year-reserved-vllm")
    ('glm5-h200', 'self-hosted-gpt…ved-vllm')
    """
    if len(name) <= chars:
        return name
    head = (chars - 1) * 2 // 3
    return name[:head] + "…" + name[-(chars - 1 - head) :]


def spread(targets: list[float], gap: float, low: float, high: float) -> list[float]:
    """Label heights as near `targets` as they can be with at least `gap` between any two, inside low..high
    where there is room (same order as `targets`).

    >>> spread([1.0, 1.05, 1.1, 3.0], 0.2, 0.0, 4.0)
    [0.85, 1.05, 1.25, 3.0]
    """
    order = sorted(range(len(targets)), key=lambda i: targets[i])
    blocks: list[list[int]] = []  # ranks of labels set one gap apart, each block centred on its targets' mean
    first: list[float] = []
    for rank, i in enumerate(order):
        blocks.append([rank])
        first.append(min(max(targets[i], low), high))
        while len(blocks) > 1 and first[-2] + gap * len(blocks[-2]) > first[-1] + 1e-12:
            merged = blocks.pop(-2) + blocks.pop()
            first[-2:] = []
            mean = sum(min(max(targets[order[r]], low), high) for r in merged) / len(merged)
            blocks.append(merged)
            first.append(min(max(mean - gap * (len(merged) - 1) / 2, low), max(high - gap * (len(merged) - 1), low)))
    result = [0.0] * len(targets)
    for block, start in zip(blocks, first, strict=True):
        for k, rank in enumerate(block):
            result[order[rank]] = round(start + gap * k, 12)
    return result


def legend_rows(names: list[str], width_px: float) -> int:
    """Rows a horizontal legend of `names` takes in `width_px`: one if all fit side by side, else as many as
    Plotly's columns (each as wide as the widest entry, its symbol included) need.

    >>> legend_rows(["a", "b"], 400), legend_rows(["a long legend entry"] * 5, 400)
    (1, 3)
    """
    widths = [TEXT_PX * len(n) + LEGEND_SYMBOL_PX for n in names]
    if sum(widths) <= width_px:
        return 1
    return -(-len(names) // max(1, int(width_px // max(widths))))


def height_for_legend(figure: go.Figure, plot_px: int, width_px: float) -> int:
    """The figure's height: `plot_px` for the plot, its title and axes, and a row for each row of its legend."""
    names = [t.name for t in figure.data if t.name and t.showlegend is not False]
    return plot_px + LEGEND_ROW_PX * (legend_rows(names, width_px) if names else 0)


def vertical_lines(figure: go.Figure, lines: list[tuple[float, dict[str, Any], str, str]]) -> None:
    """(x, line style, label, 'left'|'center'|'right') each drawn across the plot with its label on top, added in one
    layout update: Plotly's `add_vline` validates the whole layout once per line (~5 ms each on a Risk rerun)."""
    shapes = [{"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1, "line": style}
              for x, style, _, _ in lines]  # fmt: skip
    notes = [{"x": x, "xref": "x", "yref": "paper", "y": 1, "yanchor": "bottom", "text": label, "showarrow": False,
              "xanchor": {"left": "right", "right": "left"}.get(side, "center")}
             for x, _, label, side in lines if label]  # fmt: skip
    figure.update_layout(shapes=[*figure.layout.shapes, *shapes], annotations=[*figure.layout.annotations, *notes])
