"""The Throughput page's figures: latency against load with the SLO's bounds, and throughput per GPU against speed
per user."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from tco.capacity.throughput_view import ProfileView
from ui.chart_labels import (
    LABEL_CHAR_PX,
    LATENCY_PLOT_PX,
    SLO_LABEL_PX,
    Box,
    marker_pads,
    markers_under,
    slo_label_places,
)
from ui.chart_style import HALF_WIDTH_PX, LAYOUT, LEGEND_BELOW, LEGEND_ROW_PX, SAVINGS, height_for_legend
from ui.money_axes import LOG_AXIS


def latency_curves(view: ProfileView, bounds: dict[str, float], title: str, shape_label: str) -> go.Figure:
    """Measured levels as markers ("TTFT p50"); the fitted model at the workload's shape as lines ("TTFT p50 model",
    the shape in the title); SLO bounds; the knee. A level
    left out of the model for req/s that disagree with its own latency has no marker: its x is the number in doubt
    (the table lists it and says why); a level with failed requests keeps its marker."""
    rows = [r for r in view.rows if r.in_fit or r.requests_failed > 0]
    x = [r.req_per_s for r in rows]
    figure = go.Figure()
    series = (("TTFT", "ttft"), ("ITL", "itl"), ("E2E", "e2e"))
    for m, ((label, key), colour) in enumerate(zip(series, ("#1f77b4", "#ff7f0e", "#2ca02c"), strict=True)):
        for k, (pct, symbol) in enumerate((("p50", "circle"), ("p99", "diamond"))):
            # the legend in rows of three, one column per metric: measured p50, measured p99, model p50, model p99
            y = [getattr(r, f"{key}_{pct}_s") for r in rows]
            if any(v is not None for v in y):
                figure.add_scatter(x=x, y=y, name=f"{label} {pct}", mode="markers", legendrank=100 + 10 * k + m,
                                   marker={"symbol": symbol, "color": colour})  # fmt: skip
            curve = [p.latencies_s.get(f"{key}_{pct}") for p in view.curve]
            if any(v is not None for v in curve):
                figure.add_scatter(x=[p.req_per_s for p in view.curve], y=curve, mode="lines",
                                   name=f"{label} {pct} model", legendrank=200 + 10 * k + m,
                                   line={"color": colour, "dash": "solid" if pct == "p99" else "dot"})  # fmt: skip
    if not figure.data:
        why = "Every level is left out (see the notes)" if view.rows and not rows else "No latency data in this profile"
        return _no_data(figure, title, why)
    x_range, y_range_s = axis_ranges(figure, bounds)
    knee = view.capacity.req_per_s
    if knee is None:
        slo_lines(figure, bounds, x_range, y_range_s)
    else:
        picked = knee_label(view, bool(bounds))
        position, named, picked = knee_place(knee, picked, marker_points(figure), x_range, y_range_s)
        slo_lines(figure, bounds, x_range, y_range_s, (named,))
        figure.add_vline(x=knee, line={"color": SAVINGS}, annotation_text=picked, annotation_position=position,
                         annotation_bgcolor="rgba(255,255,255,0.6)", annotation_font_size=11)  # fmt: skip
    figure.update_layout(
        title=f"{title} (model at {shape_label})",
        xaxis={"title": "requests/s per replica", "range": list(x_range)},
        yaxis={
            **LOG_AXIS,
            "range": [float(np.log10(y_range_s[0])), float(np.log10(y_range_s[1]))],
            "title": "seconds (log scale)",
            "tickformat": "~g",
            "ticksuffix": " s",
            "hoverformat": ".3~g",
        },
        height=380 + LEGEND_ROW_PX * -(-sum(1 for t in figure.data if t.name) // 3),
        # 11 px legend text: at 1280 px a third of the half-width chart held "TTFT p50 model" only touching the
        # next column's line sample
        **{
            **LAYOUT,
            "legend": {**LEGEND_BELOW, "entrywidth": 1 / 3, "entrywidthmode": "fraction", "font": {"size": 11}},
        },
    )
    return figure


def knee_label(view: ProfileView, bounded: bool) -> str:
    """What the capacity's vertical line is: a measured level; a measured level adjusted for the workload's cached
    share (the levels bound it, so it may stand left of where the model's lines cross a bound: a reviewer read
    "predicted knee" there as the model's); the end of the loads searched; or the model's knee."""
    if view.capacity.cache_adjusted:
        return "capacity: a measured level, adjusted for the cache"
    if view.capacity.level_index is not None:
        return "capacity at the SLO"
    if view.search_end:
        return ("SLO still met: " if bounded else "") + "end of the modelled load"
    return "predicted knee"


AXIS_PAD = 0.05
"""Each axis reaches this share of its span (log span for seconds) past the data: set, not left to Plotly, so the
SLO labels are placed on the axes that are drawn."""


def axis_ranges(figure: go.Figure, bounds: dict[str, float]) -> tuple[tuple[float, float], tuple[float, float]]:
    """(x range, y range in seconds) of the latency chart: its traces and SLO bounds, `AXIS_PAD` either side (the y
    axis in decades).

    >>> x_range, y_range = axis_ranges(go.Figure(go.Scatter(x=[0, 10], y=[0.1, 10])), {"TTFT p99": 100.0})
    >>> x_range, [round(v, 4) for v in y_range]  # 3 decades: 10^0.15 = 1.4125 either side
    ((-0.5, 10.5), [0.0708, 141.2538])
    """
    xs = [x for t in figure.data for x in t.x if x is not None]
    ys = [y for t in figure.data for y in t.y if y] + list(bounds.values())
    pad_x = AXIS_PAD * ((max(xs) - min(xs)) or 1.0)
    reach = 10 ** (AXIS_PAD * (math.log10(max(ys) / min(ys)) or 1.0))
    return (float(min(xs) - pad_x), float(max(xs) + pad_x)), (float(min(ys) / reach), float(max(ys) * reach))


def slo_lines(
    figure: go.Figure,
    bounds: dict[str, float],
    x_range: tuple[float, float],
    y_range_s: tuple[float, float],
    avoid: tuple[Box, ...] = (),
) -> None:
    """A dashed red line at each SLO bound of a log seconds axis, its label at the line's own height: on a log axis
    an annotation's y is log10 of the value (Plotly's `add_hline(annotation_text=…)` puts the value itself there,
    so "≤ 2 s" was drawn at 10² = 100 s). Each label goes along its line, above or below it, where it covers
    no marker, no other label and nothing in `avoid` (the knee's label), lifted off the line with a short red line
    to it where the band is crowded (`slo_label_places`); where no place is free, the legend names the line."""
    points = marker_points(figure)
    ordered = sorted(bounds.items(), key=lambda item: item[1])
    texts = [f"SLO {name} ≤ {bound:g} s" for name, bound in ordered]
    places = slo_label_places(points, [(t, b) for t, (_, b) in zip(texts, ordered, strict=True)], x_range, y_range_s,
                              avoid)  # fmt: skip
    for (_, bound), text, place in zip(ordered, texts, places, strict=True):
        figure.add_hline(y=bound, line={"dash": "dash", "color": "red"})
        if place is None:  # nowhere free on the chart: named in the legend, its value on the y axis
            figure.add_scatter(x=[None], y=[None], mode="lines", name=text, legendrank=300,
                               line={"dash": "dash", "color": "red"})  # fmt: skip
            continue
        off_px = (place.lift + 0.5) * SLO_LABEL_PX[1] * (-1 if place.above else 1)  # the text's centre from the line
        figure.add_annotation(x=place.share, xref="x domain", y=float(np.log10(bound)), yref="y",
                              text=text, font={"color": "red", "size": 11},
                              bgcolor="rgba(255,255,255,0.85)", xanchor=place.anchor,
                              **({"showarrow": True, "arrowhead": 0, "arrowcolor": "red", "ax": 0, "ay": off_px}
                                 if place.lift else
                                 {"showarrow": False, "yanchor": "bottom" if place.above else "top"}))  # fmt: skip


def marker_points(figure: go.Figure) -> list[tuple[float, float]]:
    """(x, seconds) of every measured level's marker on the latency chart."""
    return [(x, y) for t in figure.data if t.mode == "markers" for x, y in zip(t.x, t.y, strict=True) if y]


KNEE_POSITIONS = ("top right", "top left", "bottom right", "bottom left")
"""Where the knee's label may go beside its line, in the order tried (Plotly's `annotation_position` words)."""


def knee_place(
    knee: float,
    text: str,
    points: list[tuple[float, float]],
    x_range: tuple[float, float],
    y_range_s: tuple[float, float],
) -> tuple[str, Box, str]:
    """(position, box, text) of the knee's label: of `KNEE_POSITIONS` whose box lies inside the plot, the first
    covering the fewest markers of `points` (a marker's radius around it): none where a place is free. The box is
    about LABEL_CHAR_PX a character (and 8 px) of LATENCY_PLOT_PX's width, one SLO label tall, at the top or the
    bottom of the plot; right of its line ran past the plot for "SLO still met: end of the modelled load" at 1280
    px, and at the top right it covered the highest-latency markers, which sit right of the knee. Where neither side
    holds it on one line, the text breaks into two at its middle space ("capacity: a measured level, adjusted for
    the cache", 358 px of a 340-px plot, was cut at its start: a reviewer); where neither holds that, top left.

    Worked example: a knee at 9 req/s on a 0–10 axis, "predicted knee" (14 × 7 + 8 = 106 px of 340, 3.12 req/s):
    right of the line it would end at 12.1, past the plot, so it goes left; with a marker under that box at the
    top, it goes to the bottom left.

    >>> knee_place(9.0, "predicted knee", [], (0.0, 10.0), (0.01, 100.0))[0]
    'top left'
    >>> knee_place(9.0, "predicted knee", [(7.0, 90.0)], (0.0, 10.0), (0.01, 100.0))[0]
    'bottom left'
    """
    span = x_range[1] - x_range[0]
    width_px, height_px = LATENCY_PLOT_PX
    decades = math.log10(y_range_s[1] / y_range_s[0])
    pads = marker_pads(span, decades)
    for shown in (text, _two_lines(text)):
        lines = shown.split("<br>")
        tall = 10 ** (len(lines) * SLO_LABEL_PX[1] * decades / height_px)
        wide = (max(len(line) for line in lines) * LABEL_CHAR_PX + 8) / width_px * span
        inside: list[tuple[int, str, Box]] = []
        for position in KNEE_POSITIONS:
            vertical, side = position.split()
            left, right = (knee, knee + wide) if side == "right" else (knee - wide, knee)
            bottom, top = (
                (y_range_s[1] / tall, y_range_s[1]) if vertical == "top" else (y_range_s[0], y_range_s[0] * tall)
            )
            if left < x_range[0] or right > x_range[1]:
                continue
            box = (left, right, bottom, top)
            inside.append((markers_under(box, points, pads), position, box))
        if inside:
            _, position, box = min(inside, key=lambda found: found[0])  # the first of the fewest
            return position, box, shown
    return "top left", (knee - wide, knee, y_range_s[1] / tall, y_range_s[1]), shown  # wider than the plot


def _two_lines(text: str) -> str:
    """`text` broken at the space nearest its middle (a Plotly line break).

    >>> _two_lines("capacity: a measured level, adjusted for the cache")
    'capacity: a measured level,<br>adjusted for the cache'
    """
    spaces = [i for i, c in enumerate(text) if c == " "]
    if not spaces:
        return text
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return f"{text[:cut]}<br>{text[cut + 1 :]}"


def _no_data(figure: go.Figure, title: str, text: str) -> go.Figure:
    """`figure` with no axes and `text` in its middle: a chart with nothing to draw says so."""
    figure.add_annotation(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font={"size": 16})
    figure.update_layout(title=title, xaxis={"visible": False}, yaxis={"visible": False}, **LAYOUT)
    return figure


CEILING_OFF_CHART = 3.0
"""A roofline ceiling more than this many times the highest level's throughput is named above the chart, not drawn:
drawn, it squeezed every level into the bottom fifth of the axis."""


def pareto(view: ProfileView, title: str) -> go.Figure:
    """Output tokens/s per GPU against tokens/s per user, one marker per load level (meets or misses the SLO),
    the roofline's ceiling dotted."""
    rows = [r for r in view.rows if r.tokens_per_s_per_user and r.output_tokens_per_s_per_gpu]
    figure = go.Figure()
    if not rows:  # offline figures: no ITL, so no speed per user to plot against
        return _no_data(figure, title, "No per-user speed (ITL) in this profile")
    for meets, name, symbol in ((True, "meets the SLO", "circle"), (False, "misses the SLO", "x")):
        chosen = [r for r in rows if r.meets_slo == meets]
        figure.add_scatter(
            x=[r.tokens_per_s_per_user for r in chosen],
            y=[r.output_tokens_per_s_per_gpu for r in chosen],
            mode="markers",
            marker={"symbol": symbol, "size": 10},
            name=name,
            text=[
                f"load level {r.index + 1}"
                + (" (implausible)" if r.implausible else "")
                + ("" if r.in_fit else " (left out of the model)")
                for r in chosen
            ],
        )
    ceilings = [r.roofline_output_tokens_per_s_per_gpu for r in rows if r.roofline_output_tokens_per_s_per_gpu]
    highest = max(r.output_tokens_per_s_per_gpu or 0.0 for r in rows)
    y_axis: dict[str, object] = {"title": "output tokens/s per GPU", "rangemode": "tozero"}
    if ceilings and max(ceilings) > CEILING_OFF_CHART * highest:
        # far above every level (a reviewer: the axis ran to ~420 for the line, every level under 90): said at the
        # top, the axis kept to the levels
        y_axis["range"] = [0.0, 1.25 * highest]
        figure.add_annotation(text=f"roofline ceiling (estimate): {max(ceilings):,.0f} ↑, above this chart",
                              xref="paper", yref="paper", x=1.0, y=1.0, xanchor="right", yanchor="bottom",
                              showarrow=False, font={"size": 11, "color": "#555"})  # fmt: skip
    elif ceilings:
        figure.add_hline(y=max(ceilings), line={"dash": "dot"}, annotation_text="roofline ceiling (estimate)")
    figure.update_layout(
        title=title,
        # both from zero: one level (or a few close together) zoomed Plotly's own range to 781–783 tok/s
        xaxis={"title": "output tokens/s per user (1 / ITL p50)", "rangemode": "tozero"},
        yaxis=y_axis,
        height=height_for_legend(figure, 380, HALF_WIDTH_PX),
        **LAYOUT,
    )
    return figure
