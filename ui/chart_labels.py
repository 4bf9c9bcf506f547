"""Where a chart's text labels go so that they cover no marker: an SLO line's label at the end of the line with
fewer markers under it, an option's name above its marker unless another marker sits there."""

from __future__ import annotations

from ui.chart_style import FULL_WIDTH_PX, LABEL_PX

MARKER_RADIUS_PX = 6.0
"""Half a 12 px marker."""
LABEL_CHAR_PX = 7.0
"""Width of one character of a 12 px chart label."""
LABEL_SHIFT_PX = 7.0
"""How far a name sits above (or below) its marker."""
QUALITY_PLOT_PX = (FULL_WIDTH_PX, 300.0)
"""(width, height) of the cost–quality chart's plot area at 1280 px."""


def labels_below(points: list[tuple[float, float, str]], lines: tuple[float, ...] = ()) -> list[bool]:
    """For each (log10 x, y, name) point: whether its name goes below its marker, because a label above would cover
    another marker (the name's box, `LABEL_CHAR_PX` a character and `LABEL_PX` tall, shifted over the point; the
    axes span the points and the horizontal `lines` (a gate), padded 8 % as Plotly does). On the example,
    "glm5-b200" above its marker at 86 covered opus-4.5's at 87 a little to its right.

    >>> points = [(-1.742, 86.0, "glm5-b200"), (-1.738, 87.0, "opus-4.5"), (-2.509, 86.0, "glm5-api"),
    ...           (-2.071, 94.3, "gemini-3.1-pro"), (-1.627, 86.0, "glm5-h200")]  # log10 of $0.0181 a task, …
    >>> labels_below(points, lines=(85.0,))
    [True, False, False, False, False]
    """
    xs, ys = [p[0] for p in points], [p[1] for p in points] + list(lines)
    x_span = max(max(xs) - min(xs), 0.1) * 1.16
    y_span = max(max(ys) - min(ys), 1.0) * 1.16
    x_per_px, y_per_px = x_span / QUALITY_PLOT_PX[0], y_span / QUALITY_PLOT_PX[1]
    out = []
    for x, y, name in points:
        half_width = (len(name) * LABEL_CHAR_PX / 2 + MARKER_RADIUS_PX) * x_per_px
        top = y + (LABEL_SHIFT_PX + LABEL_PX + MARKER_RADIUS_PX) * y_per_px
        out.append(any(abs(qx - x) < half_width and y < qy <= top for qx, qy, _ in points))
    return out


def label_side(points: list[tuple[float, float]], bound_s: float) -> int:
    """0 (the left end) or 1 (the right end): where fewer of `points` (x, seconds) lie in the band a label above
    the line at `bound_s` covers: up to 1.35× the bound, in the outer 40 % of the x range on that side. A tie: left.

    >>> label_side([(0.1, 0.06), (0.2, 0.055), (4.9, 0.3)], 0.05), label_side([(4.9, 0.06)], 0.05)
    (1, 0)
    """
    if not points:
        return 0
    xs = [x for x, _ in points]
    low, high = min(xs), max(xs)
    span = (high - low) or 1.0
    under = [x for x, y in points if bound_s <= y <= bound_s * 1.35]
    left = sum(1 for x in under if x <= low + 0.4 * span)
    right = sum(1 for x in under if x >= high - 0.4 * span)
    return 1 if right < left else 0
