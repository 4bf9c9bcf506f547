"""Where a chart's text labels go so that they cover no marker: an SLO line's label along its line, above or below
it or lifted off it, where no marker lies under it; an option's name above its marker unless another marker or name
sits there."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from ui.chart_style import FULL_WIDTH_PX, LABEL_PX

MARKER_RADIUS_PX = 6.0
"""Half a 12 px marker."""
LABEL_CHAR_PX = 7.0
"""Width of one character of a 12 px chart label."""
LABEL_SHIFT_PX = 7.0
"""How far a name sits above (or below) its marker."""
QUALITY_PLOT_PX = (FULL_WIDTH_PX, 300.0)
"""(width, height) of the cost–quality chart's plot area at 1280 px."""


RIGHT, LEFT = -2, -3
"""Places beside a marker: the name at its height, `SIDE_GAP_PX` right or left of it."""
SIDE_GAP_PX = 4.0
"""Between a marker's edge and a name beside it."""
TIERS = (0, -1, RIGHT, LEFT, 1, 2, 3)
"""Where a name may go, in the order tried: just above its marker (0), just below (−1), right or left of it
(`RIGHT`, `LEFT`, inside the plot), then one, two, three label heights higher (joined to the marker by a line:
`ui.charts.name_label`); where none is free, the first lifted one clear of markers and names; then the same without
keeping off `obstacles`; then the first of `CROWDED_TIERS` that meets no name, else the highest of them. (Before the
side places, the flagship's glm5-b200 and glm5-h200, two blue markers a few pixels either side of opus-4.5's, had
their names lifted over opus-4.5's on two vertical lines that did not say which marker was whose: a reviewer.)"""
CROWDED_TIERS = (1, 2, 3, 4, 5, 6)
"""Lifted places tried where no place of `TIERS` is free: three options within a few pixels of each other (the
flagship's glm5-b200, opus-4.5 and glm5-h200 at $0.018–0.019 a task, scores 86–87) need three heights of their own;
two names had both taken the highest of `TIERS`, one on the other (a browser test)."""


def label_tiers(
    points: list[tuple[float, float, str]],
    lines: tuple[float, ...] = (),
    x_range: list[float] | None = None,
    y_range: list[float] | None = None,
    obstacles: tuple[tuple[float, float], ...] = (),
) -> list[int]:
    """For each (log10 x, y, name) point, where its name goes (`TIERS`): the first place, left to right, whose box
    (`LABEL_CHAR_PX` a character and `LABEL_PX` tall, `LABEL_SHIFT_PX` off the marker) covers no other marker and no
    name already placed. The axes are the chart's own `x_range` (log10) and `y_range` where it sets them; else they
    span the points and the horizontal `lines` (a gate), padded 8 % as Plotly does, the cost axis at least a decade
    (`ui.money_axes.one_decade_at_least`). Another marker stays at least as far from a name as its own marker does
    (`LABEL_SHIFT_PX`), or the name is read as the other's. No point of `obstacles` (log10 x, y) lies inside a name:
    points along a line the chart draws (the Pareto frontier's steps, `line_points`).

    Before: a score axis the chart holds at least 10 points tall (`ui.charts.score_range`) was read as the points'
    own 1-point span, every name looked ten times its height, and, with markers only kept from under a name's box, a
    name could sit 7 px above its own marker and 1 px below the next (a reviewer read it as the next one's). On the
    example, "glm5-b200" above its marker at 86 sits just under opus-4.5's at 87 a little to its right; in the batch
    example four GPT-OSS-120B options at one score, within 0.3 decades of cost, ran their names into each other.

    >>> points = [(-1.742, 86.0, "glm5-b200"), (-1.738, 87.0, "opus-4.5"), (-2.509, 86.0, "glm5-api"),
    ...           (-2.071, 94.3, "gemini-3.1-pro"), (-1.627, 86.0, "glm5-h200")]  # log10 of $0.0181 a task, …
    >>> label_tiers(points, (85.0,), [-2.57, -1.57], [84.65, 94.65])  # glm5-b200's name above would touch opus's dot
    [-1, 0, 0, 0, 0]
    >>> label_tiers([(-3.29, 80.1, "oss120-deepinfra"), (-3.17, 80.1, "oss120-h200-3y"),
    ...              (-3.15, 80.1, "oss120-h100-1y"), (-3.02, 80.1, "oss120-groq-batch")], (), [-3.66, -2.66],
    ...             [75.05, 85.05])  # two names lifted (joined to their markers by a line: `ui.charts.name_label`)
    [0, 1, 2, 0]
    """
    xs, ys = [p[0] for p in points], [p[1] for p in points] + list(lines)
    x_span = max(max(xs) - min(xs), 0.1) * 1.16
    if x_span < 1.5 * 1.16:  # the cost axis shows at least a decade (`ui.money_axes.one_decade_at_least`)
        x_span = max(x_span, 1.0)
    y_span = max(max(ys) - min(ys), 1.0) * 1.16
    if x_range is not None:
        x_span = x_range[1] - x_range[0]
    if y_range is not None:
        y_span = y_range[1] - y_range[0]
    x_per_px, y_per_px = x_span / QUALITY_PLOT_PX[0], y_span / QUALITY_PLOT_PX[1]
    x_low = x_range[0] if x_range is not None else (min(xs) + max(xs) - x_span) / 2
    x_high = x_low + x_span
    # another marker must stay as far from a name as its own does (`LABEL_SHIFT_PX`): a name 7 px above its marker
    # and 1 px below the next one reads as the next one's; a lifted name is joined to its marker by a line, so it
    # need only keep off the markers
    near_x, near_y = LABEL_SHIFT_PX * x_per_px, (MARKER_RADIUS_PX + LABEL_SHIFT_PX) * y_per_px
    radius = MARKER_RADIUS_PX * y_per_px
    placed: list[tuple[float, float, float, float]] = []  # (left, right, bottom, top) of the names placed so far
    out = [0] * len(points)
    for i in sorted(range(len(points)), key=lambda k: points[k][0]):
        x, y, name = points[i]
        half_width = (len(name) * LABEL_CHAR_PX / 2 + MARKER_RADIUS_PX) * x_per_px
        others = [(qx, qy) for j, (qx, qy, _) in enumerate(points) if j != i]
        boxes = {tier: _name_box(x, y, half_width, tier, y_per_px, x_per_px) for tier in (*TIERS, *CROWDED_TIERS)}
        lifted = [tier for tier in TIERS if tier > 0]
        inside = [t for t in TIERS if t not in (RIGHT, LEFT) or (x_low <= boxes[t][0] and boxes[t][1] <= x_high)]
        # a line kept clear where it can be
        tries = [(tiers, gap, lines) for lines in (obstacles, ()) for tiers, gap in
                 ((inside, (near_x, near_y)), (lifted, (0.0, radius)))]  # fmt: skip
        out[i] = next(
            (t for tiers, gap, lines in tries for t in tiers if _clear(boxes[t], others, placed, lines, *gap)),
            next((t for t in CROWDED_TIERS if _free(boxes[t], [], placed, 0.0, 0.0)), CROWDED_TIERS[-1]),
        )
        placed.append(boxes[out[i]])
    return out


def _clear(
    box: tuple[float, float, float, float],
    markers: list[tuple[float, float]],
    names: list[tuple[float, float, float, float]],
    line: tuple[tuple[float, float], ...],
    gap_x: float,
    gap_y: float,
) -> bool:
    """`_free`, and no point of `line` inside the box."""
    inside = any(box[0] < qx < box[1] and box[2] < qy < box[3] for qx, qy in line)
    return not inside and _free(box, markers, names, gap_x, gap_y)


def line_points(corners: list[tuple[float, float]], per_segment: int = 24) -> tuple[tuple[float, float], ...]:
    """Points along a step line drawn "hv" through `corners` (log10 x, y): across at each corner's height to the
    next one's x, then up or down to it; `per_segment` points a step (a name must keep off them as off a marker).

    >>> line_points([(0.0, 80.0), (1.0, 82.0)], per_segment=2)
    ((0.0, 80.0), (0.5, 80.0), (1.0, 80.0), (1.0, 81.0), (1.0, 82.0))
    """
    out: list[tuple[float, float]] = list(corners[:1])
    for (x0, y0), (x1, y1) in itertools.pairwise(corners):
        out += [(x0 + (x1 - x0) * k / per_segment, y0) for k in range(1, per_segment + 1)]
        out += [(x1, y0 + (y1 - y0) * k / per_segment) for k in range(1, per_segment + 1)]
    return tuple(out)


def _free(
    box: tuple[float, float, float, float],
    markers: list[tuple[float, float]],
    names: list[tuple[float, float, float, float]],
    gap_x: float,
    gap_y: float,
) -> bool:
    """Whether a name's `box` (left, right, bottom, top) keeps `gap_x`/`gap_y` off every other marker and meets no
    name placed."""
    left, right, bottom, top = box
    near = any(left - gap_x < qx < right + gap_x and bottom - gap_y < qy < top + gap_y for qx, qy in markers)
    return not near and not any(_overlap(box, name) for name in names)


def _name_box(
    x: float, y: float, half_width: float, tier: int, y_per_px: float, x_per_px: float
) -> tuple[float, float, float, float]:
    """(left, right, bottom, top) in data units of a name at `tier` (`TIERS`) of its marker at (x, y); `half_width`
    is half the name's width and a marker's radius."""
    if tier in (RIGHT, LEFT):
        width = 2 * half_width - 2 * MARKER_RADIUS_PX * x_per_px
        near = (MARKER_RADIUS_PX + SIDE_GAP_PX) * x_per_px
        left = x + near if tier == RIGHT else x - near - width
        return left, left + width, y - LABEL_PX / 2 * y_per_px, y + LABEL_PX / 2 * y_per_px
    if tier < 0:
        top = y - LABEL_SHIFT_PX * y_per_px
        return x - half_width, x + half_width, top - LABEL_PX * y_per_px, top
    bottom = y + (LABEL_SHIFT_PX + tier * LABEL_PX) * y_per_px
    return x - half_width, x + half_width, bottom, bottom + LABEL_PX * y_per_px


SLO_LABEL_PX = (125.0, 17.0)
"""(widest, height) of an SLO line's label in 11 px type on its white box (`slo_label_px`)."""
SLO_CHAR_PX = 5.2
"""Width of a character of an SLO label (11 px type): "SLO TTFT p99 ≤ 2 s" measured 85 px in Chromium."""


def slo_label_px(text: str) -> float:
    """The width an SLO label takes: SLO_CHAR_PX a character and 6 px of its box, at most SLO_LABEL_PX's.

    >>> slo_label_px("SLO TTFT p99 ≤ 2 s")
    99.6
    """
    return min(SLO_LABEL_PX[0], round(len(text) * SLO_CHAR_PX + 6, 1))


LATENCY_PLOT_PX = (340.0, 280.0)
"""(width, height) of the latency chart's plot area at 1280 px (half the page, less the axis and the title)."""


SLO_LABEL_SPOTS = ((0.0, "left"), (1.0, "right"), *((share, "center") for share in (0.5, 0.25, 0.75, 0.375, 0.625,
                                                                                     0.125, 0.875)))  # fmt: skip
"""Where along its line an SLO label may sit, in the order tried: (x as a share of the x range, the label's anchor
there) — either end, then the middle, then between, in eighths."""
SLO_LABEL_LIFTS = (0, 1, 2, 3)
"""How many label heights off its line an SLO label may sit, in the order tried: touching it, then one, two or three
heights away, joined to it by a short red line (a crowded band: the flagship's ITL markers fill 0.03–0.1 s)."""


@dataclass(frozen=True)
class SloLabel:
    """Where an SLO line's label goes: `share` of the x range with `anchor` ("left", "right", "center"), `above` or
    below the line, `lift` label heights off it (0: touching it, else joined to it by a line)."""

    share: float
    anchor: str
    above: bool
    lift: int


def _slo_label_candidates() -> list[tuple[int, bool, tuple[float, str]]]:
    """(lift, above, spot) in the order tried: touching the line at its ends (above, then below), then along it;
    then lifted one, two, three heights, above then below, along the line."""
    ends, middle = SLO_LABEL_SPOTS[:2], SLO_LABEL_SPOTS[2:]
    touching = [(0, above, spot) for part in (ends, middle) for above in (True, False) for spot in part]
    return touching + [(lift, above, spot) for lift in SLO_LABEL_LIFTS[1:] for above in (True, False)
                       for spot in SLO_LABEL_SPOTS]  # fmt: skip


Box = tuple[float, float, float, float]
"""(left, right, bottom, top) in data units (seconds on the y axis)."""


def slo_label_places(
    points: list[tuple[float, float]],
    labels: list[tuple[str, float]],
    x_range: tuple[float, float],
    y_range_s: tuple[float, float],
    avoid: tuple[Box, ...] = (),
) -> list[SloLabel | None]:
    """For each SLO label (its text, its bound in seconds) on a chart whose axes span `x_range` and `y_range_s` (a
    log axis), where it goes: the first place whose box covers no marker of `points` (x, seconds; a marker's radius
    around it) and meets no label, tick or `avoid` box placed before (a lifted label's tick to its line included) —
    touching the line before lifted off it, above before below, along the line in `SLO_LABEL_SPOTS`' order (a lifted
    label centred on its spot, inside the plot, with its box within the axes); None where no place is free (the
    caller names that line in the legend instead: three bounds on one line of a crowded chart left none).

    A box is `slo_label_px` wide and, on a log axis of D decades over the plot's LATENCY_PLOT_PX height h, a factor
    f = 10^(17 × D / h) tall: over 4 decades 1.75× (a band of 1.35× let "SLO ITL p99 ≤ 0.05 s" cover a marker at
    0.08 s); lifted k heights above a bound b it spans b·f^k to b·f^(k+1).

    >>> a, b = ("SLO ITL p99 ≤ 0.05 s", 0.05), ("SLO ITL p50 ≤ 0.055 s", 0.055)
    >>> slo_label_places([(0.1, 0.07), (4.9, 0.07)], [a], (0.0, 5.0), (0.01, 100.0))  # markers above each end
    [SloLabel(share=0.0, anchor='left', above=False, lift=0)]
    >>> [(p.share, p.anchor, p.above) for p in slo_label_places([(4.9, 0.06)], [a, b], (0.0, 5.0),
    ...                                                            (0.01, 100.0))]  # the second meets the first
    [(0.0, 'left', True), (0.5, 'center', True)]
    """
    width_px, height_px = LATENCY_PLOT_PX
    low, high = x_range
    span = (high - low) or 1.0
    decades = math.log10(y_range_s[1] / y_range_s[0]) if y_range_s[0] > 0 and y_range_s[1] > y_range_s[0] else 1.0
    factor = 10 ** (SLO_LABEL_PX[1] * decades / height_px)
    pads = marker_pads(span, decades)
    placed: list[Box] = list(avoid)
    out: list[SloLabel | None] = []
    for text, bound in labels:
        half_share = min(0.5, slo_label_px(text) / width_px / 2)
        found: tuple[SloLabel, list[Box]] | None = None
        for lift, above, (share, anchor) in _slo_label_candidates():
            bottom = bound * factor**lift if above else bound / factor ** (lift + 1)
            if lift:  # centred on the spot, inside the plot
                share, anchor = min(max(share, half_share), 1 - half_share), "center"
            centre = low + (share + {"left": half_share, "right": -half_share, "center": 0.0}[anchor]) * span
            box = (centre - half_share * span, centre + half_share * span, bottom, bottom * factor)
            boxes = [box]
            if lift:  # its tick, from the line to the box's near edge
                tick = (centre - 0.005 * span, centre + 0.005 * span, *sorted((bound, bottom if above else box[3])))
                boxes.append(tick)
            covered = markers_under(box, points, pads) > 0
            meets = any(_overlap(b, other) for b in boxes for other in placed)
            outside = box[2] < y_range_s[0] or box[3] > y_range_s[1]
            if not (covered or meets or outside):
                found = (SloLabel(share, anchor, above, lift), boxes)
                break
        if found is not None:
            placed.extend(found[1])
        out.append(found[0] if found is not None else None)
    return out


def marker_pads(span: float, decades: float) -> tuple[float, float]:
    """(x units, y factor) a marker's radius reaches on the latency chart (LATENCY_PLOT_PX): across a linear x axis
    of `span`, up and down a log axis of `decades`."""
    width_px, height_px = LATENCY_PLOT_PX
    return MARKER_RADIUS_PX / width_px * span, 10 ** (MARKER_RADIUS_PX * decades / height_px)


def markers_under(box: Box, points: list[tuple[float, float]], pads: tuple[float, float]) -> int:
    """How many markers of `points` (x, seconds) a label's `box` covers, a marker's radius (`marker_pads`) around each.

    >>> markers_under((1.0, 2.0, 0.1, 0.2), [(1.5, 0.15), (2.05, 0.15), (3.0, 0.15)], (0.1, 1.1))
    2
    """
    (pad_x, pad_y), (left, right, bottom, top) = pads, box
    return sum(left - pad_x <= x <= right + pad_x and bottom / pad_y <= y <= top * pad_y for x, y in points)


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]
