"""The Risk page's figures: the tornado, the Monte Carlo fan and the histogram of the NPV of savings."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from tco.records.amounts import usd
from tco.risk.montecarlo import MonteCarloResult
from tco.risk.sensitivity import Tornado, TornadoBar
from ui.chart_style import (
    API,
    HALF_WIDTH_PX,
    LAYOUT,
    LOSS,
    SAVINGS,
    SELF_HOSTED,
    TEXT_PX,
    TORNADO_HIGH,
    TORNADO_LOW,
    chart_name,
    height_for_legend,
    vertical_lines,
)
from ui.money_axes import money_axis, money_values

TINY_BAR_PX = 8
"""A tornado bar shorter than this (in the narrowest plot) carries its label as an annotation beside its end."""
TORNADO_PLOT_PX = 480
"""The tornado's plot area at its narrowest (1280 px wide, long input names on the left)."""


def tornado(bars: Tornado) -> go.Figure:
    """Each bar from the base savings to the savings at the input's low and high end, labelled with the end's value
    where `label_place` puts it (`tornado_texts`: never two labels on each other); hover gives the value and the
    NPV. The x range leaves room for the labels (`room_for_texts`), so none runs into the input names."""
    ordered = list(reversed(bars.bars))
    labels = [b.input for b in ordered]
    texts = [tornado_texts(b, bars.base_savings_usd) for b in ordered]
    # an input that moves nothing has no bar to carry its label (plotly draws no text on a zero-length bar)
    still = [all(still_ends(b, bars.base_savings_usd)) for b in ordered]
    texts = [("no effect: " + t[0], "") if quiet else t for t, quiet in zip(texts, still, strict=True)]
    ends = [bars.base_savings_usd, 0.0, *(v for b in ordered for v in (b.savings_at_low_usd, b.savings_at_high_usd))]
    places = label_places(bars, texts, room_for_texts(bars, texts))
    if any("merge" in place for place in places):  # the far end carries both labels, clear of $0: placed again
        texts = [merged(t, p) for t, p in zip(texts, places, strict=True)]
        places = label_places(bars, texts, room_for_texts(bars, texts))
    x_range = room_for_texts(bars, texts, places)
    figure = go.Figure()
    # the high bar wide, the low bar narrower on top of it: where both ends move the same way neither hides the other
    for index, side, colour, width in ((1, "high", TORNADO_HIGH, 0.8), (0, "low", TORNADO_LOW, 0.45)):
        figure.add_bar(
            y=labels,
            x=[getattr(b, f"savings_at_{side}_usd") - bars.base_savings_usd for b in ordered],
            base=bars.base_savings_usd,
            orientation="h",
            name=f"input {side}",
            legendrank=index + 1,
            width=width,
            marker_color=colour,
            text=[t[index] if p[index] in BAR_TEXT and not quiet else "" for t, p, quiet in zip(texts, places, still,
                                                                                                 strict=True)],
            textposition=[p[index] if p[index] in BAR_TEXT else "outside" for p in places],
            insidetextanchor="end",
            constraintext="none",  # inside the thin low bar plotly would shrink a label to a few pixels
            cliponaxis=False,
            customdata=[[getattr(b, side), b.unit, getattr(b, f"savings_at_{side}_usd")] for b in ordered],
            hovertemplate="%{y}: %{customdata[0]:.4g} %{customdata[1]}<br>NPV of savings %{customdata[2]:$,.0f}"
            "<extra>input " + side + "</extra>",
        )  # fmt: skip
    for b, t, place in zip(ordered, texts, places, strict=True):
        for index, end in enumerate((b.savings_at_low_usd, b.savings_at_high_usd)):
            if place[index] in BAR_TEXT or not t[index]:
                continue
            rightward = end >= bars.base_savings_usd
            text = t[index]
            if place[index] == "across":  # just past the base, on the side where nothing is drawn
                at, rightward = bars.base_savings_usd, not rightward
            else:  # "beside" its own end (an input that moves nothing: beside the base)
                at = end
            figure.add_annotation(x=at, y=b.input, text=text, showarrow=False, xanchor="left" if rightward else
                                  "right", xshift=4 if rightward else -4, font={"size": 12})  # fmt: skip
    figure.add_vline(x=0, line={"color": "black"}, layer="below")  # under the bars and their labels
    figure.update_layout(
        barmode="overlay",
        title=f"NPV of savings ({chart_name(bars.api)} minus {chart_name(bars.self_hosted)}) as each input swings",
        xaxis=money_axis("USD (right of zero: self-hosting saves money)", ends, range=x_range),
        yaxis={"automargin": True},
        height=140 + 34 * len(ordered),
        **LAYOUT,
    )
    return figure


BAR_TEXT = ("outside", "inside")
"""Label places plotly draws as the bar's own text; the others (`label_place`) are annotations."""


def label_place(end_usd: float, base_usd: float, text: str, usd_per_px: float, free_across: bool) -> str:
    """Where a tornado bar's label goes: "outside" beyond the bar's end; where there it would run across the zero
    line (an owned fleet's "+109%" sat on the $0 line at 1280 px), "inside" the bar when it fits, else "across", just
    past the base on the other side, when nothing is drawn there (`free_across`: the row's other end carries no
    label), else "merge": the other end carries both (`merged`; set past $0 with an arrow back, "← rises 20%/yr" stood
    in the region of savings beside a bar of losses, a reviewer); a bar under TINY_BAR_PX long carries it "beside" its
    end as an annotation (plotly set such a label upright, or beyond the base over the other end's label).

    Worked example: 2,000 $ a pixel; "+109%" (45 px, $90k) from −$60k would reach past $0; in a bar of $410k it fits
    inside. "low −85% (high +575%: no effect)" (241 px, $482k) from $152k, in a bar of $113k, goes across.

    >>> label_place(-6e4, -4.7e5, "+109%", 2_000, False), label_place(-3e5, -4.7e5, "+50%", 2_000, False)
    ('inside', 'outside')
    >>> label_place(1.52e5, 2.65e5, "low −85% (high +575%: no effect)", 2_000, True)
    'across'
    >>> label_place(2.77e5, 2.65e5, "−20%", 2_000, False)
    'beside'
    >>> label_place(-2.86e4, -3.8e4, "rises 20%/yr", 400, False)  # 94 px, $37.6k from −$28.6k; its bar 24 px
    'merge'
    """
    if not text:
        return "outside"
    length_px = abs(end_usd - base_usd) / usd_per_px
    if crosses_zero(end_usd, base_usd, text, usd_per_px):
        if text_px(text) <= length_px:
            return "inside"
        return "across" if free_across else "merge"
    return "beside" if length_px < TINY_BAR_PX else "outside"


def label_places(bars: Tornado, texts: list[tuple[str, str]], x_range: list[float]) -> list[tuple[str, str]]:
    """`label_place` of the low and the high label of each row (in `texts`' order), at `x_range`'s dollars a pixel."""
    usd_per_px = (x_range[1] - x_range[0]) / TORNADO_PLOT_PX
    base = bars.base_savings_usd
    return [
        (label_place(b.savings_at_low_usd, base, low, usd_per_px, not high),
         label_place(b.savings_at_high_usd, base, high, usd_per_px, not low))
        for b, (low, high) in zip(reversed(bars.bars), texts, strict=True)
    ]  # fmt: skip


def merged(texts: tuple[str, str], places: tuple[str, str]) -> tuple[str, str]:
    """A row's (low, high) labels with one that has no room on its side of $0 (`label_place`'s "merge") moved to the
    other end, both in one label, as for two ends that move the same way.

    >>> merged(("rises 20%/yr", "falls 20%/yr"), ("merge", "outside"))
    ('', 'low rises 20%/yr · high falls 20%/yr')
    """
    if "merge" not in places or not all(texts):
        return texts
    both = f"low {texts[0]} · high {texts[1]}"
    return ("", both) if places[0] == "merge" else (both, "")


def text_px(text: str) -> float:
    """A label's width in the chart: about TEXT_PX a character and a 10 px gap."""
    return len(text) * TEXT_PX + 10


NO_EFFECT_USD = 0.5
"""An end that moves the savings by less than half a dollar (the figures' precision) has no effect."""


def still_ends(bar: TornadoBar, base_usd: float) -> tuple[bool, bool]:
    """Whether the low and the high end each leave the savings where the base has them (within NO_EFFECT_USD)."""
    return (abs(bar.savings_at_low_usd - base_usd) < NO_EFFECT_USD,
            abs(bar.savings_at_high_usd - base_usd) < NO_EFFECT_USD)  # fmt: skip


def tornado_texts(bar: TornadoBar, base_usd: float) -> tuple[str, str]:
    """The labels at the outer end of the low and the high bar. When the two ends move the savings opposite ways,
    each bar carries its own, on opposite sides of the base; when they move the same way (or one not at all),
    the longer bar carries both ("low 2.4× · high 3.6×") and the shorter none, so no two labels can meet."""
    low, high = bar.savings_at_low_usd - base_usd, bar.savings_at_high_usd - base_usd
    if low * high < 0:
        return bar.low_label, bar.high_label
    still = list(still_ends(bar, base_usd))
    if still == [False, True]:  # one end moves nothing: said so, not drawn as if it moved the same way
        return f"low {bar.low_label} (high {bar.high_label}: no effect)", ""
    if still == [True, False]:
        return "", f"high {bar.high_label} (low {bar.low_label}: no effect)"
    both = f"low {bar.low_label} · high {bar.high_label}"
    return (both, "") if abs(low) >= abs(high) else ("", both)


def crosses_zero(end_usd: float, base_usd: float, text: str, usd_per_px: float) -> bool:
    """Whether `text`, drawn outside a bar's end (away from the base), would run across the zero line: then it goes
    inside the bar (an owned fleet's "+109%" sat on the $0 line at 1280 px).

    >>> crosses_zero(-60_000, -470_000, "+109%", 2_000), crosses_zero(-300_000, -470_000, "+50%", 2_000)
    (True, False)
    """
    reach = text_px(text) * usd_per_px if text else 0.0
    if end_usd >= base_usd:
        return end_usd < 0 < end_usd + reach
    return end_usd > 0 > end_usd - reach


def room_for_texts(
    bars: Tornado,
    texts: list[tuple[str, str]],
    places: list[tuple[str, str]] | None = None,
    plot_px: float = TORNADO_PLOT_PX,
) -> list[float]:
    """The x range: zero, the base and every bar's end, with room for the labels beyond the ends (`places`, from
    `label_places`; None: all outside), beyond the base for one placed across, and none for one inside its bar
    (about 7 px a character in a plot `plot_px` wide, the narrowest it is drawn: 1280 px with long input names)."""
    ordered = list(reversed(bars.bars))
    base = bars.base_savings_usd
    ends = [base, 0.0, *(v for b in ordered for v in (b.savings_at_low_usd, b.savings_at_high_usd))]
    low, high = min(ends), max(ends)
    span = (high - low) or abs(base) or 1.0
    reaches = []  # (where the label starts, its width in px, whether it runs right)
    for b, pair, place in zip(ordered, texts, places or [("outside", "outside")] * len(ordered), strict=True):
        for value, text, where in zip((b.savings_at_low_usd, b.savings_at_high_usd), pair, place, strict=True):
            if text and where == "across":
                reaches.append((base, text_px(text), value < base))
            elif text and where != "inside":
                reaches.append((value, text_px(text), value >= base))
    widest = max((px for _, px, r in reaches if r), default=0.0) + max(
        (px for _, px, r in reaches if not r), default=0.0
    )
    if widest > 0.9 * plot_px:  # labels wider than the plot cannot all fit: room for 90 % of them (and it settles)
        reaches = [(v, px * 0.9 * plot_px / widest, r) for v, px, r in reaches]
    pad_low = pad_high = 0.04 * span
    for _ in range(200):  # the texts' room in dollars depends on the range: rounds until it settles (to $0.01)
        per_px = (high - low + pad_low + pad_high) / plot_px
        left = [px * per_px - (v - low) for v, px, rightward in reaches if not rightward]
        right = [px * per_px - (high - v) for v, px, rightward in reaches if rightward]
        before = (pad_low, pad_high)
        pad_low, pad_high = max([0.04 * span, *left]), max([0.04 * span, *right])
        if abs(pad_low - before[0]) + abs(pad_high - before[1]) < 0.01:
            break
    return [low - pad_low, high + pad_high]


def fan(months: list[str], mc: MonteCarloResult, option_ids: list[str], term_months: int = 0) -> go.Figure:
    """Each option's monthly cost: its P10–P90 band and its P50 line, the lines drawn over every band (the
    self-hosted P50 sat under the API's band). `term_months`: the self-hosted option's commitment (a reserved
    term, an owned server's life); each renewal inside the horizon is marked, where the fleet is sized again for
    the next term and the bands step (draws with traffic falling keep the first term's fleet until then)."""
    figure = go.Figure()
    values: list[float] = []
    lines = []
    for option_id, colour in zip(option_ids, (SELF_HOSTED, API), strict=False):
        p10, p50, p90 = mc.monthly_bands(option_id)
        values += money_values(p10, p90)
        figure.add_scatter(x=months, y=p90, line={"width": 0, "color": colour}, showlegend=False, hoverinfo="skip")
        figure.add_scatter(  # the id shortened so that " P10–P90" and " P50" stay on screen (cut at 1280 px)
            x=months, y=p10, fill="tonexty", line={"width": 0, "color": colour}, name=f"{chart_name(option_id)} P10–P90"
        )
        lines.append((option_id, p50, colour))
    for option_id, p50, colour in lines:
        figure.add_scatter(x=months, y=p50, line={"color": colour}, name=f"{chart_name(option_id)} P50")
    for t in renewals(len(months), term_months):
        figure.add_vline(x=months[t], line={"dash": "dot", "color": "grey"})
        figure.add_annotation(x=months[t], y=1, yref="paper", text="term renews", showarrow=False, yanchor="bottom")
    figure.update_layout(
        title="Monthly cost, Monte Carlo bands",
        yaxis=money_axis("USD per month", values),
        height=height_for_legend(figure, 380, HALF_WIDTH_PX),
        **LAYOUT,
    )
    return figure


def renewals(months: int, term_months: int) -> list[int]:
    """The month indices (0 = month 1) where a commitment of `term_months` starts again inside the horizon.

    >>> renewals(36, 12), renewals(36, 36), renewals(24, 0)
    ([12, 24], [], [])
    """
    return list(range(term_months, months, term_months)) if term_months > 0 else []


PERCENTILE_GAP_PX = 16
"""The least room between two percentile lines for each to carry its own name: "P50" (~21 px at 12 px) is centred on
its line, "P10" ends at its own and "P90" starts at its own, so half of "P50" and a few pixels must fit between."""


def percentile_names(p10_p50_p90: tuple[float, float, float], low_usd: float, high_usd: float) -> tuple[str, ...]:
    """The names over the P10, P50 and P90 lines: each its own where the lines stand PERCENTILE_GAP_PX apart on a
    half-width chart (HALF_WIDTH_PX over low..high), else one "P10 · P50 · P90" over the middle line (a 60-month
    example drew "P10P50P90", its outliers stretching the axis: a reviewer).

    >>> percentile_names((-3e6, -2e6, -1e6), -4e6, 0.0), percentile_names((-2.1e6, -2e6, -1.9e6), -17e6, 6e6)
    (('P10', 'P50', 'P90'), ('', 'P10 · P50 · P90', ''))
    """
    p10, p50, p90 = p10_p50_p90
    px_per_usd = HALF_WIDTH_PX / max(high_usd - low_usd, 1e-9)
    if min(p50 - p10, p90 - p50) * px_per_usd >= PERCENTILE_GAP_PX:
        return ("P10", "P50", "P90")
    return ("", "P10 · P50 · P90", "")


def histogram(savings_usd: np.ndarray, p10_p50_p90: tuple[float, float, float]) -> go.Figure:
    """Bins right of zero green (self-hosting saves), left red; P10/P50/P90 named on the lines, their values on
    the title's second line (a short first line fits a half-width chart at 1280 px)."""
    counts, edges = np.histogram(savings_usd, bins=60)  # binned here: 60 bars travel to the browser, not every sample
    centres = (edges[:-1] + edges[1:]) / 2
    figure = go.Figure()
    figure.add_bar(x=centres, y=counts, width=np.diff(edges), name="samples",
                   marker_color=[SAVINGS if c >= 0 else LOSS for c in centres])  # fmt: skip
    sides = ("left", "center", "right")
    names = percentile_names(p10_p50_p90, float(min(edges[0], 0.0)), float(max(edges[-1], 0.0)))
    vertical_lines(figure, [*((v, {"dash": "dash"}, label, side) for label, v, side in
                              zip(names, p10_p50_p90, sides, strict=True)),
                            (0.0, {"color": "black"}, "", "center")])  # fmt: skip
    values = " · ".join(f"{label} {usd(v)}" for label, v in zip(("P10", "P50", "P90"), p10_p50_p90, strict=True))
    figure.update_layout(
        # the top margin holds the title's two lines and, under them, the lines' names: at 70 px the values' line
        # sat on "P10 P50 P90"
        title={"text": f"NPV of savings across samples<br><sup>{values}</sup>"},
        xaxis=money_axis("USD (right of zero: self-hosting saves)", money_values(edges, [0.0])),
        yaxis_title="samples",
        showlegend=False,
        # the right margin holds half the last tick's label: "$1M" at the axis' end was cut at 1400 px (a reviewer)
        **{**LAYOUT, "margin": {**LAYOUT["margin"], "t": 92, "r": 30}},
    )
    return figure
