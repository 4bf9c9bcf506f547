"""Where a chart's text labels go so that they cover no marker: an SLO line's label at the end of the line with
fewer markers under it, an option's name above its marker unless another marker or name sits there."""

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


TIERS = (0, -1, 1, 2, 3)
"""Where a name may go, in the order tried: just above its marker (0), just below (−1), then one, two, three label
heights higher."""


def label_tiers(points: list[tuple[float, float, str]], lines: tuple[float, ...] = ()) -> list[int]:
    """For each (log10 x, y, name) point, where its name goes (`TIERS`): the first place, left to right, whose box
    (`LABEL_CHAR_PX` a character and `LABEL_PX` tall, `LABEL_SHIFT_PX` off the marker) covers no other marker and no
    name already placed. The axes span the points and the horizontal `lines` (a gate), padded 8 % as Plotly does, the
    cost axis at least a decade (`ui.money_axes.one_decade_at_least`). On the example, "glm5-b200" above its marker at
    86 covered opus-4.5's at 87 a little to its right; in the batch example four GPT-OSS-120B options at one score,
    within 0.3 decades of cost, had their names run into each other above and below.

    >>> points = [(-1.742, 86.0, "glm5-b200"), (-1.738, 87.0, "opus-4.5"), (-2.509, 86.0, "glm5-api"),
    ...           (-2.071, 94.3, "gemini-3.1-pro"), (-1.627, 86.0, "glm5-h200")]  # log10 of $0.0181 a task, …
    >>> label_tiers(points, lines=(85.0,))
    [-1, 0, 0, 0, 0]
    >>> label_tiers([(-3.29, 80.1, "oss120-deepinfra"), (-3.17, 80.1, "oss120-h200-3y"),
    ...              (-3.15, 80.1, "oss120-h100-1y"), (-3.02, 80.1, "oss120-groq-batch")])
    [0, -1, 1, 0]
    """
    xs, ys = [p[0] for p in points], [p[1] for p in points] + list(lines)
    x_span = max(max(xs) - min(xs), 0.1) * 1.16
    if x_span < 1.5 * 1.16:  # the cost axis shows at least a decade (`ui.money_axes.one_decade_at_least`)
        x_span = max(x_span, 1.0)
    y_span = max(max(ys) - min(ys), 1.0) * 1.16
    x_per_px, y_per_px = x_span / QUALITY_PLOT_PX[0], y_span / QUALITY_PLOT_PX[1]
    radius = MARKER_RADIUS_PX * y_per_px
    placed: list[tuple[float, float, float, float]] = []  # (left, right, bottom, top) of the names placed so far
    out = [0] * len(points)
    for i in sorted(range(len(points)), key=lambda k: points[k][0]):
        x, y, name = points[i]
        half_width = (len(name) * LABEL_CHAR_PX / 2 + MARKER_RADIUS_PX) * x_per_px
        others = [(qx, qy) for j, (qx, qy, _) in enumerate(points) if j != i]
        for tier in TIERS:
            left, right, bottom, top = _name_box(x, y, half_width, tier, y_per_px)
            covers = any(left < qx < right and bottom - radius < qy < top + radius for qx, qy in others)
            meets = any(left < r and other_left < right and bottom < t and b < top for other_left, r, b, t in placed)
            if not covers and not meets:
                out[i] = tier
                break
        placed.append(_name_box(x, y, half_width, out[i], y_per_px))
    return out


def _name_box(x: float, y: float, half_width: float, tier: int, y_per_px: float) -> tuple[float, float, float, float]:
    """(left, right, bottom, top) in data units of a name at `tier` (`TIERS`) of its marker at (x, y)."""
    if tier < 0:
        top = y - LABEL_SHIFT_PX * y_per_px
        return x - half_width, x + half_width, top - LABEL_PX * y_per_px, top
    bottom = y + (LABEL_SHIFT_PX + tier * LABEL_PX) * y_per_px
    return x - half_width, x + half_width, bottom, bottom + LABEL_PX * y_per_px


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
