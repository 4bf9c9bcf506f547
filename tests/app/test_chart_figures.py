"""The charts' figures, read without a browser (issue 27, item 5): money axes put the sign before the dollar
through d3's currency format (never a `$` tickprefix, which draws "$−500k"), billions read B, SLO labels on a log
axis sit at log10 of their bound, labels are spread or placed so none meets another, legends sit below the axes.
What Plotly then draws is checked in Chromium by tests/app/test_browser_charts.py."""

from __future__ import annotations

import dataclasses
import itertools
import math

import plotly.graph_objects as go
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from profiling.schema import load_profile
from scenario_io import resolve_scenario
from scenario_io.loader import load_scenario
from scenario_io.references import References
from tco import evaluate
from tco.capacity.throughput_view import profile_view
from tco.cost.option_models import setup_options
from tco.cost.reconcile import Reconciliation
from tco.decision.verdict import decide
from tco.finance.breakeven import cost_curves
from tco.finance.volume_ranges import ranges_text
from tco.records.scenario import RequestClass, Slo
from tco.risk.report import risk_report
from tco.risk.sensitivity import Tornado, TornadoBar
from tests.conftest import ROOT, TODAY
from ui import chart_style, charts, money_axes, risk_charts, throughput_charts, usage_charts

MINUS = "\u2212"


def resolved(name: str, catalogues):
    path = ROOT / "scenarios" / f"{name}.yaml"
    inputs = resolve_scenario(load_scenario(path), "scenario", catalogues, refs=References.on_disk(path.parent),
                              today=TODAY)  # fmt: skip
    setups = setup_options(inputs)
    return inputs, setups, evaluate(inputs, setups)


@pytest.fixture(scope="module")
def glm5(catalogues):
    return resolved("glm5-vs-frontier", catalogues)


@pytest.fixture(scope="module")
def money_figures(glm5, catalogues) -> dict[str, tuple[go.Figure, str]]:
    """Every figure with a money axis, and which axis."""
    inputs, setups, result = glm5
    decision = decide(result)
    months = result.assumptions["months"]
    feasible = [s.model for s in setups if s.feasible]
    grid, costs = cost_curves(inputs.scenario, feasible)
    kinds = {o.id: o.kind for o in result.options}
    risk = risk_report(inputs, result, samples=200)
    _, _, owned = resolved("owned-fleet-finance", catalogues)
    hosted = next(o for o in owned.options if o.cash_flow_usd is not None)
    pair = decision.pair
    assert pair is not None and decision.hosted and decision.api and risk is not None
    usage = [Reconciliation("gpt-4o", "openai", "2026-10", 1_250_000.0, 1_300_000.0)]
    return {
        "breakdown": (charts.breakdown(result, list(result.options)), "xaxis"),
        "cost vs volume": (
            charts.cost_vs_volume(
                grid, costs, [m.id for m in feasible], kinds, pair, result.assumptions["requests_per_month_first"]
            ),
            "yaxis",
        ),
        "cumulative": (
            charts.cumulative(months, decision.hosted, decision.api, pair.cumulative_savings_usd, pair.payback_month),
            "yaxis",
        ),
        "cash vs P&L": (charts.cash_vs_pnl(owned.assumptions["months"], hosted), "yaxis"),
        "tornado": (charts.tornado(risk.tornado), "xaxis"),
        "fan": (charts.fan(months, risk.monte_carlo, [risk.self_hosted, risk.api]), "yaxis"),
        "histogram": (
            charts.histogram(
                risk.monte_carlo.savings_npv(risk.self_hosted, risk.api), risk.savings_npv_p10_p50_p90_usd
            ),
            "xaxis",
        ),
        "quality": (charts.quality_scatter(result.options, [0], 85, "gpqa_diamond"), "xaxis"),
        "usage spend": (usage_charts.spend_by_month(usage), "yaxis"),
    }


def test_every_money_axis_formats_the_sign_before_the_dollar(money_figures):
    for name, (figure, axis) in money_figures.items():
        layout = figure.layout[axis]
        assert layout.tickprefix is None, name  # a prefix is drawn before the sign: "$−500k"
        assert layout.tickformat.startswith("$"), (name, layout.tickformat)  # d3: sign, then the locale's "$"
        assert layout.hoverformat.startswith("$"), name
        assert figure.layout.legend.yref == "container" and figure.layout.legend.y == 0, name  # below the axis


def test_the_tick_texts_plotly_draws_are_renamed_as_people_read_them():
    """d3's SI text for each tick (what Plotly draws before `labelalias`) and what shows instead."""
    assert money_axes.si_label(-5e5, money=True) == f"{MINUS}$500k"
    assert money_axes.si_label(2e9, money=True) == "$2G" and money_axes.read_label(2e9, money=True) == "$2B"
    log = money_axes.log_axis("USD", money=True)
    assert log["labelalias"]["$1G"] == "$1B" and log["labelalias"]["$10m"] == "$0.01"
    assert money_axes.log_axis("requests")["labelalias"]["100G"] == "100B"
    linear = money_axes.money_axis("USD", [-2.5e9, 4e9])
    assert linear["labelalias"][f"{MINUS}$2.5G"] == f"{MINUS}$2.5B" and linear["labelalias"]["$4G"] == "$4B"
    assert "labelalias" not in money_axes.money_axis("USD", [-5e5, 3e6])  # no billions, nothing to rename
    assert money_axes.money_axis("USD", [0.2, 3.5])["tickformat"] == money_axes.SMALL_MONEY_TICKS  # not "$500m"


def test_a_level_left_out_of_the_model_says_so_in_the_pareto_hover(catalogues, glm5):
    """GLM-5's c = 32 level at 1,024/128 made to report 50 req/s (its latency says 5.15): its Pareto marker's hover
    names it left out, the others do not; the latency chart draws no marker for it."""
    inputs, _, _ = glm5
    profile = load_profile(ROOT / "profiling" / "reference" / "glm-5-fp8-tp8-vllm-inferencex.yaml")
    levels = list(profile.levels)
    levels[3] = dataclasses.replace(levels[3], req_per_s=50.0)
    profile = dataclasses.replace(profile, levels=tuple(levels))
    cls = inputs.scenario.workload.request_classes[0]
    view = profile_view(profile, inputs.scenario.slo, cls, catalogues.models.find(profile.meta.model), None)
    hovers = [t for trace in charts.pareto(view, "Pareto").data for t in trace.text]
    assert [t for t in hovers if "left out" in t] == ["load level 4 (left out of the model)"]
    assert len(hovers) == len(profile.levels)
    # on the latency chart it has no marker: its x (50 req/s) is the number in doubt, and would stretch the axis 10×
    markers = [t for t in charts.latency_curves(view, {}, "Latency", "1,024/128").data if t.mode == "markers"]
    assert markers and all(len(t.x) == len(profile.levels) - 1 and 50.0 not in t.x for t in markers)


def test_a_roofline_ceiling_far_above_the_levels_is_named_not_drawn(catalogues, glm5):
    """A reviewer: the GLM-5 sweep's Pareto chart ran its axis to the roofline's ceiling, every level squeezed into
    the bottom of it. A ceiling more than 3× the highest level's tokens/s per GPU is named above the chart and the
    axis keeps to the levels (1.25× the highest); one within 3× is drawn as its dotted line."""
    from ui.throughput_charts import CEILING_OFF_CHART

    inputs, _, _ = glm5
    profile = load_profile(ROOT / "profiling" / "reference" / "glm-5-fp8-tp8-vllm-inferencex.yaml")
    cls = inputs.scenario.workload.request_classes[0]
    view = profile_view(profile, inputs.scenario.slo, cls, catalogues.models.find(profile.meta.model),
                        catalogues.gpus.get("H200"))  # fmt: skip
    highest = max(r.output_tokens_per_s_per_gpu or 0 for r in view.rows)
    ceiling = max(r.roofline_output_tokens_per_s_per_gpu or 0 for r in view.rows)
    assert ceiling > CEILING_OFF_CHART * highest  # the sweep's case
    figure = charts.pareto(view, "Pareto")
    assert list(figure.layout.yaxis.range) == [0.0, pytest.approx(1.25 * highest)] and not figure.layout.shapes
    assert [a.text for a in figure.layout.annotations] == [
        f"roofline ceiling (estimate): {ceiling:,.0f} ↑, above this chart"
    ]
    near = dataclasses.replace(view, rows=[dataclasses.replace(r, roofline_output_tokens_per_s_per_gpu=2 * highest)
                                           for r in view.rows])  # fmt: skip
    drawn = charts.pareto(near, "Pareto")
    assert drawn.layout.yaxis.range is None and [s.y0 for s in drawn.layout.shapes] == [2 * highest]


PLOT_PX = (340, 280)
"""The latency chart's plot area at 1280 px (half the page, less the axis and title), as measured on a screenshot."""


def _axes(figure) -> tuple[float, float, float, float, float]:
    """(x low, x high, data units a pixel across, y low and y high in seconds) from the figure's own axis ranges."""
    (x0, x1), (y0, y1) = figure.layout.xaxis.range, figure.layout.yaxis.range
    return x0, x1, (x1 - x0) / PLOT_PX[0], 10**y0, 10**y1


def _slo_label_boxes(figure, label, bound: float) -> list[tuple[float, float, float, float]]:
    """(left, right, bottom, top) in data units of what an SLO label draws: its text box, 5.2 px a character (85 px
    for "SLO TTFT p99 ≤ 2 s" in Chromium) and 6 px of box, 17 px tall, touching its line (above or below), or lifted
    off it with its centre `ay` px away, and then its tick to the line."""
    x0, x1, per_px, y0, y1 = _axes(figure)
    per_px_y = math.log10(y1 / y0) / PLOT_PX[1]  # decades a pixel
    at = x0 + label.x * (x1 - x0)
    wide = len(label.text) * 5.2 + 6
    left = {"left": at, "right": at - wide * per_px, "center": at - wide / 2 * per_px}[label.xanchor]
    centre_px = (8.5 if label.yanchor == "bottom" else -8.5) if not label.showarrow else -label.ay
    bottom = bound * 10 ** ((centre_px - 8.5) * per_px_y)
    boxes = [(left, left + wide * per_px, bottom, bottom * 10 ** (17 * per_px_y))]
    if label.showarrow:
        centre = left + wide / 2 * per_px
        near = boxes[0][2] if label.ay < 0 else boxes[0][3]
        boxes.append((centre - 1.5 * per_px, centre + 1.5 * per_px, *sorted((bound, near))))
    return boxes


def _overlaps(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


def _assert_slo_labels_clear(figure, bounds: dict[str, float]) -> None:
    """No SLO label covers a measured marker (6 px around its centre), and none (or its tick) meets another label,
    its tick or the knee's label (right of its line at the top of the plot, about 6.4 px a character)."""
    _, _, per_px, y0, y1 = _axes(figure)
    per_px_y = math.log10(y1 / y0) / PLOT_PX[1]
    pad_y = 10 ** (6 * per_px_y)
    points = [(x, y) for t in figure.data if t.mode == "markers" for x, y in zip(t.x, t.y, strict=True) if y]
    labels = [a for a in figure.layout.annotations if a.text.startswith("SLO")]
    # a line with no free place on the chart is named in the legend instead, as a red dashed line
    legend = [t.name for t in figure.data if (t.name or "").startswith("SLO") and t.line.color == "red"]
    assert sorted([a.text for a in labels] + legend) == sorted(f"SLO {n} ≤ {b:g} s" for n, b in bounds.items())
    knee = [a for a in figure.layout.annotations if not a.text.startswith("SLO")]
    x_high = figure.layout.xaxis.range[1]
    drawn = []
    for k in knee:  # right of its line, or left of it (its anchor then "right"), at the top or bottom, in the plot
        wide = (len(k.text) * 6.4 + 8) * per_px
        left = k.x if k.xanchor == "left" else k.x - wide
        assert left + wide <= x_high + per_px, k.text
        tall = 10 ** (17 * per_px_y)
        drawn.append((left, left + wide, *((y1 / tall, y1) if k.y == 1 else (y0, y0 * tall))))
    for label in labels:
        bound = float(label.text.split("≤ ")[1].removesuffix(" s"))
        assert label.yref == "y" and label.y == pytest.approx(math.log10(bound))  # at its own height (log axis)
        boxes = _slo_label_boxes(figure, label, bound)
        box = boxes[0]
        covered = [
            (x, y)
            for x, y in points
            if box[0] - 6 * per_px <= x <= box[1] + 6 * per_px and box[2] / pad_y <= y <= box[3] * pad_y
        ]
        assert not covered, (label.text, covered)
        assert not [d for b in boxes for d in drawn if _overlaps(b, d)], label.text
        drawn.extend(boxes)


@pytest.mark.parametrize(
    "bounds",
    [
        {"TTFT p99": 2.0, "ITL p99": 0.05},  # the flagship's: its ITL band 0.03–0.1 s is full of markers
        {"TTFT p50": 1.0, "TTFT p99": 1.2},  # two bounds close together
        {"TTFT p99": 1.0, "ITL p99": 1.0, "E2E p99": 1.0},  # a reviewer: three on one line, a tick crossed a label
        {"TTFT p99": 20.0, "ITL p99": 0.2, "E2E p99": 100.0},  # a reviewer: the top label met the knee's
        {"TTFT p50": 0.15, "ITL p50": 0.025, "E2E p50": 7.0},
    ],
    ids=["flagship", "close", "same", "loose", "chat"],
)
def test_slo_labels_on_the_log_latency_axis_sit_at_their_own_height(catalogues, glm5, bounds):
    """On a log axis an annotation's y is log10 of the value: "≤ 2 s" was drawn at 10² = 100 s. Each label covers no
    marker and meets no other label, tick or the knee's label, whatever the bounds (boxes written out here from the
    figure's own axes)."""
    inputs, _, _ = glm5
    profile = load_profile(ROOT / "profiling" / "reference" / "glm-5-fp8-tp8-vllm-inferencex.yaml")
    cls = inputs.scenario.workload.request_classes[0]
    view = profile_view(profile, inputs.scenario.slo, cls, catalogues.models.find(profile.meta.model), None)
    figure = charts.latency_curves(view, bounds, "Latency vs load", "2,000/500")
    assert figure.layout.yaxis.type == "log"
    lines = sorted(s.y0 for s in figure.layout.shapes if s.y0 == s.y1)
    assert lines == sorted(bounds.values())  # the lines themselves take the value (shapes use data units)
    _assert_slo_labels_clear(figure, bounds)
    if bounds == {"TTFT p99": 2.0, "ITL p99": 0.05}:  # the flagship's two find a place on the chart
        assert len([a for a in figure.layout.annotations if a.text.startswith("SLO")]) == 2
    # a short legend: the shape the lines are modelled at is said once, in the title
    assert figure.layout.title.text == "Latency vs load (model at 2,000/500)"
    names = [t.name for t in figure.data]
    assert "TTFT p50" in names and "TTFT p99 model" in names
    assert all(len(n) <= len("TTFT p99 model") for n in names if not n.startswith("SLO"))  # an SLO line's: its label


def test_the_knee_label_goes_where_no_marker_lies_under_it():
    """The knee's label tries right of its line at the top, then left, then the bottom right and left (at the top
    right it covered the highest-latency markers, which sit right of the knee), taking the first that covers no
    marker; where every place covers some, the one covering fewest. By hand: a 0–10 req/s axis of 340 px, "knee"
    is 4 × 7 + 8 = 36 px, 1.06 req/s wide; the plot spans 0.01–100 s, 4 decades over 280 px, so a label 17 px tall
    takes the top 0.24 decades (57.0–100 s) or the bottom ones (0.01–0.0175 s); a marker counts within 6 px of it
    (0.18 req/s, 0.086 decades)."""
    place = lambda points: throughput_charts.knee_place(5.0, "knee", points, (0.0, 10.0), (0.01, 100.0))  # noqa: E731
    assert place([]) == ("top right", (5.0, 5.0 + 36 / 34, pytest.approx(100 / 10 ** (17 * 4 / 280)), 100.0), "knee")
    assert place([(5.5, 80.0)])[0] == "top left"  # a marker under the top right
    assert place([(5.5, 80.0), (4.5, 80.0)])[0] == "bottom right"
    assert place([(5.5, 80.0), (4.5, 80.0), (5.5, 0.012)])[0] == "bottom left"
    assert place([(5.5, 80.0), (4.5, 80.0), (5.5, 0.012), (4.5, 0.012)])[0] == "top right"  # all taken: the first
    assert place([(5.5, 80.0), (5.6, 80.0), (4.5, 80.0), (5.5, 0.012), (4.5, 0.012)])[0] == "top left"  # fewest
    assert place([(7.0, 80.0), (5.5, 40.0), (5.5, 0.03)])[0] == "top right"  # 6.06–7 req/s clear, 40 s below it
    assert throughput_charts.knee_place(9.5, "knee", [], (0.0, 10.0), (0.01, 100.0))[0] == "top left"  # past the plot
    # a reviewer's upload: the knee at 0.63 req/s on a 0.3–1.7 axis; "capacity: a measured level, adjusted for the
    # cache" is 50 × 7 + 8 = 358 px, more than the 340-px plot, and was cut at its start. On two lines the longer,
    # "capacity: a measured level," (27 characters: 197 px, 0.81 req/s), fits right of the line: 0.63 + 0.81 < 1.7
    long = "capacity: a measured level, adjusted for the cache"
    position, box, shown = throughput_charts.knee_place(0.63, long, [], (0.3, 1.7), (0.01, 100.0))
    assert shown == "capacity: a measured level,<br>adjusted for the cache" and position == "top right"
    assert box[:2] == (0.63, pytest.approx(0.63 + 197 / 340 * 1.4)) and box[1] <= 1.7
    assert box[2] == pytest.approx(100 / 10 ** (2 * 17 * 4 / 280))  # two labels tall


def _bar(low_usd: float, high_usd: float, base_usd: float = 0.0) -> TornadoBar:
    return TornadoBar("input", "+1", "+5.0%", low_usd, high_usd, 0.9, 1.1, base_usd)


def test_tornado_labels_never_meet():
    """Opposite ways: each end its own label, on opposite sides of the base; the same way (the "+1" on "+5.0%"
    case) or not at all: one label, on the longer bar."""
    assert risk_charts.tornado_texts(_bar(-100, 100), 0) == ("+1", "+5.0%")
    assert risk_charts.tornado_texts(_bar(10, 12), 0) == ("", "low +1 · high +5.0%")
    assert risk_charts.tornado_texts(_bar(-50, -5), 0) == ("low +1 · high +5.0%", "")
    assert risk_charts.tornado_texts(_bar(0, 0), 0) == ("low +1 · high +5.0%", "")
    # one end moves nothing (planning utilisation at 95 % in the flagship): it says so, beside the end that moves
    assert risk_charts.tornado_texts(_bar(-50, 0), 0) == ("low +1 (high +5.0%: no effect)", "")
    assert risk_charts.tornado_texts(_bar(0, 30), 0) == ("", "high +5.0% (low +1: no effect)")
    figure = charts.tornado(Tornado("h", "a", -1e6, [_bar(-1.9e6, -1.89e6), _bar(-1.1e6, -0.9e6)]))
    for trace in figure.data:
        assert set(trace.textposition) == {"outside"} and trace.cliponaxis is False
    low, high = figure.layout.xaxis.range
    assert low < -1.9e6 - 0.1 * 1.9e6 and high > 0  # room for the outside label beyond the longest bar, and zero


def test_a_tornado_bar_a_few_pixels_long_has_its_label_beside_its_own_end():
    """Staff and platform cost ±20 % moved the FAQ mix's savings ±$11,973 on an axis of about $3.5M: bars of 2 px,
    whose labels plotly drew on top of each other right of the base. Each now stands beside its own end, the one
    going left anchored on its right: by hand, the range here is about $2.5M over 480 px, ~$5.2k a pixel, so ±$12k
    is under TINY_BAR_PX (8 px)."""
    staff = TornadoBar("Staff and platform cost", "−20%", "+20%", 3.1e5 + 11_973, 3.1e5 - 11_973, 0.8, 1.2, 3.1e5)
    figure = charts.tornado(Tornado("h", "a", 3.1e5, [_bar(-2.3e6, 8.9e5, 3.1e5), staff]))
    low, high = figure.layout.xaxis.range
    assert risk_charts.TINY_BAR_PX * (high - low) / risk_charts.TORNADO_PLOT_PX > 11_973
    for trace in figure.data:  # not in the bars' own text
        assert dict(zip(trace.y, trace.text, strict=True))["Staff and platform cost"] == ""
    beside = {a.text: (a.x, a.xanchor) for a in figure.layout.annotations if a.y == "Staff and platform cost"}
    assert beside == {"−20%": (3.1e5 + 11_973, "left"), "+20%": (3.1e5 - 11_973, "right")}


def test_a_long_label_that_would_cross_zero_goes_past_the_base_where_nothing_is_drawn():
    """The distillation example's throughput bar: X* × 0.15 cuts the savings by $113k from $265k, × 6.75 changes
    nothing, so one label, "low −85% (high +575%: no effect)" (32 characters, 234 px), would run from $152k across
    the $0 line, and does not fit in a bar of ~70 px: it stands just right of the base, where no bar is drawn."""
    base = 265_000.0
    throughput = TornadoBar("Throughput per replica", "−85%", "+575%", base - 113_304, base, 0.15, 6.75, base)
    figure = charts.tornado(Tornado("h", "a", base, [_bar(base - 150_000, base + 200_000, base), throughput]))
    low, high = figure.layout.xaxis.range
    per_px = (high - low) / risk_charts.TORNADO_PLOT_PX
    assert low <= 0 and base - 113_304 - risk_charts.text_px("low −85% (high +575%: no effect)") * per_px < 0
    assert 113_304 / per_px < risk_charts.text_px("low −85% (high +575%: no effect)")  # it would not fit inside
    for trace in figure.data:
        assert dict(zip(trace.y, trace.text, strict=True))["Throughput per replica"] == ""
    (label,) = [a for a in figure.layout.annotations if a.y == "Throughput per replica"]
    assert (label.text, label.x, label.xanchor) == ("low −85% (high +575%: no effect)", base, "left")
    assert high >= base + (risk_charts.text_px(label.text) - 1) * per_px  # room for it on the right (to a pixel)


def test_no_tornado_label_runs_across_the_zero_line():
    """The batch example: savings of −$38k with bars ending near −$20k; "rises 20%/yr" (94 px) beyond its 20 px bar
    ran across the $0 line, the "falls 20%/yr" on the other side left no room across the base, so the other end
    carries both (it stood past $0 with an arrow, in the region of savings beside a bar of losses: a reviewer); an
    input that moves nothing says so on the side away from $0. Every label's extent (TEXT_PX a character), from where
    it is anchored, stays on one side of $0, and with every bar left of $0, left of it."""
    base = -38_000.0
    rows = [
        TornadoBar("API price decline per year", "rises 20%/yr", "falls 20%/yr", base + 9_377, base - 10_094, 0, 0,
                   base, "per year"),
        TornadoBar("GPU price", "−15%", "+15%", base + 17_145, base - 17_145, 0.85, 1.15, base),
        TornadoBar("Throughput per replica", "−33%", "+49%", base - 114_300, base, 0.67, 1.49, base),
        TornadoBar("Peak-to-average", "1×", "1×", base, base, 1, 1, base, "peak / average"),
    ]  # fmt: skip
    figure = charts.tornado(Tornado("h", "a", base, rows))
    low, high = figure.layout.xaxis.range
    per_px = (high - low) / risk_charts.TORNADO_PLOT_PX
    spans = []
    for note in figure.layout.annotations:
        width = risk_charts.text_px(note.text) * per_px
        shift = (note.xshift or 0) * per_px
        start = note.x + shift
        spans.append((note.text, (start, start + width) if note.xanchor == "left" else (start - width, start)))
    for trace in figure.data:
        for end, text, where in zip(trace.x, trace.text, trace.textposition, strict=True):
            if text and where == "outside":
                tip = base + end
                spans.append((text, (tip, tip + risk_charts.text_px(text) * per_px) if end >= 0 else
                              (tip - risk_charts.text_px(text) * per_px, tip)))  # fmt: skip
    assert {"low rises 20%/yr · high falls 20%/yr", "no effect: low 1× · high 1×"} <= {text for text, _ in spans}
    assert "rises 20%/yr" not in {text for text, _ in spans}  # said once, with its other end
    assert [text for text, (left, right) in spans if right > 0] == []  # every bar loses money: no label past $0
    assert low <= min(left for _, (left, _) in spans) + per_px  # room for each on the left (to a pixel)


def test_a_tornado_label_that_would_cross_the_zero_line_goes_inside_its_bar():
    """The owned example's throughput bar ended near −$90k with "+109%" beyond it, across the $0 line at 1280 px.
    By hand: the range runs from about −$1.25M to $0 plus room, ~2,600 $ a pixel over 480 px; "+109%" takes
    5 × 7 + 10 = 45 px, ~$117k, so from −$60k it would reach past zero."""
    bar = TornadoBar("Throughput per replica", "−52%", "+109%", -1.2e6, -6e4, 0.48, 2.09, -4.7e5)
    figure = charts.tornado(Tornado("h", "a", -4.7e5, [bar, _bar(-6e5, -3e5)]))
    low, high = figure.layout.xaxis.range
    per_px = (high - low) / risk_charts.TORNADO_PLOT_PX
    assert -6e4 + (5 * chart_style.TEXT_PX + 10) * per_px > 0  # it would cross
    high_bars = next(t for t in figure.data if t.name == "input high")
    by_input = dict(zip(high_bars.y, high_bars.textposition, strict=True))
    assert by_input == {"Throughput per replica": "inside", "input": "outside"}


@given(
    st.lists(st.floats(0, 10), min_size=1, max_size=12),
    st.floats(0.05, 0.8),
)
def test_spread_labels_keep_a_line_apart_and_stay_in_range(targets: list[float], gap: float):
    placed = chart_style.spread(targets, gap, 0.0, 10.0)
    ordered = sorted(placed)
    assert all(b - a >= gap - 1e-9 for a, b in itertools.pairwise(ordered))
    if gap * len(targets) <= 10:
        assert all(-1e-9 <= p <= 10 + 1e-9 for p in placed)
    pairs = [(a, b) for a in range(len(targets)) for b in range(len(targets)) if targets[a] < targets[b]]
    assert all(placed[a] <= placed[b] for a, b in pairs)  # the labels keep the lines' order


def test_cost_vs_volume_labels_are_a_line_apart(money_figures):
    figure, _ = money_figures["cost vs volume"]
    low, high = figure.layout.yaxis.range
    gap = (high - low) * chart_style.LABEL_PX / chart_style.VOLUME_PLOT_PX
    ends = sorted(a.y for a in figure.layout.annotations if a.xanchor == "left" and a.yref in (None, "y"))
    assert len(ends) == 6 and all(b - a >= gap - 1e-9 for a, b in itertools.pairwise(ends))
    # each label whole inside the plot: opus-4.5's, at the range's very top, was half hidden above it
    assert low + gap / 2 - 1e-9 <= ends[0] and ends[-1] <= high - gap / 2 + 1e-9
    assert not any("cheaper" in (a.text or "") for a in figure.layout.annotations)  # crossings in the legend


def test_titles_fit_half_a_page_at_1280(money_figures):
    """The histogram's title held its three values on one line and was cut in a half-width chart."""
    figure, _ = money_figures["histogram"]
    first, values = figure.layout.title.text.split("<br>")
    assert first == "NPV of savings across samples" and values.count("$") == 3
    assert len(money_figures["fan"][0].layout.title.text) * 9 < chart_style.HALF_WIDTH_PX


def test_legend_rows_grow_the_figure():
    assert chart_style.legend_rows(["a", "b"], 400) == 1
    names = [f"entry number {i} with a long name" for i in range(9)]
    rows = chart_style.legend_rows(names, 400)
    assert rows == 9  # each entry wider than half of 400 px: one a row
    figure = go.Figure([go.Scatter(name=n) for n in names])
    assert chart_style.height_for_legend(figure, 380, 400) == 380 + chart_style.LEGEND_ROW_PX * rows


def test_the_quality_chart_names_the_benchmark_as_people_know_it(money_figures):
    """Issue 27, plain words: "GPQA Diamond", not the key "gpqa_diamond", in the title and on the axis."""
    figure, _ = money_figures["quality"]
    assert figure.layout.title.text == "Cost vs quality (GPQA Diamond)"
    assert figure.layout.yaxis.title.text == "GPQA Diamond score"


def test_every_crossing_of_the_pair_is_drawn_and_named_as_the_sentence_names_it(catalogues):
    """The owned example's month-1 ranges start at five volumes (15.2M, 15.9M, 27.2M, 37M, 39.2M): the chart drew
    the first four (four colours), and named 37M "37.0M" (before volumes dropped their trailing zeros). Each start
    is a dashed line named with the sentence's own words for that volume (`edge_words`: the decimals that tell every
    edge apart)."""
    inputs, setups, result = resolved("owned-fleet-finance", catalogues)
    pair = decide(result).pair
    assert pair is not None
    feasible = [s.model for s in setups if s.feasible]
    grid, costs = cost_curves(inputs.scenario, feasible)
    kinds = {o.id: o.kind for o in result.options}
    figure = charts.cost_vs_volume(grid, costs, [m.id for m in feasible], kinds, pair,
                                   result.assumptions["requests_per_month_first"])  # fmt: skip
    starts = [r.from_requests_per_month for r in pair.month_one_ranges if r.from_requests_per_month is not None]
    drawn = [t for t in figure.data if t.name and t.name.startswith("from ")]
    assert [t.x[0] for t in drawn] == starts and len(starts) >= 5
    sentence = ranges_text(pair.month_one_ranges, pair.self_hosted, pair.api)
    for trace in drawn:
        volume = trace.name.removeprefix("from ").split(":")[0]
        assert volume in sentence, (volume, sentence)
    # four of them (a reviewer: "four near-identical greens") tell apart by their dash as well
    styles = [(t.line.color, t.line.dash) for t in drawn[:4]]
    assert len({dash for _, dash in styles}) == 4 and "dot" not in {dash for _, dash in styles}
    # each in the colour of the option cheaper from there: its own cost line's (all were green, a reviewer)
    lines = {t.name: t.line.color for t in figure.data if t.name in kinds}
    for trace, band in zip(drawn, [r for r in pair.month_one_ranges if r.from_requests_per_month is not None],
                           strict=True):  # fmt: skip
        cheaper = {"self_hosted": pair.self_hosted, "api": pair.api}.get(band.cheaper)
        assert trace.line.color == (lines[cheaper] if cheaper else "#7f7f7f"), trace.name
    assert {lines[pair.self_hosted], lines[pair.api]} <= {t.line.color for t in drawn}


def test_an_input_that_moves_nothing_says_no_effect_beside_the_base():
    """batch-summariser's peak-to-average row had no bar and no label: plotly draws no text on a zero-length bar.
    The row now carries 'no effect: low … · high …' as an annotation at the base, and no bar text."""
    quiet = TornadoBar("Peak-to-average", "2.4×", "3.6×", -1e6, -1e6, 2.4, 3.6, -1e6)
    figure = charts.tornado(Tornado("h", "a", -1e6, [_bar(-1.5e6, -0.5e6), quiet]))
    (note,) = [a for a in figure.layout.annotations if a.text.startswith("no effect")]
    assert (note.text, note.x, note.y) == ("no effect: low 2.4× · high 3.6×", -1e6, "Peak-to-average")
    for trace in figure.data:
        assert dict(zip(trace.y, trace.text, strict=True))["Peak-to-average"] == ""


def test_a_near_tie_in_quality_is_not_drawn_as_a_gap(glm5):
    """A reviewer read 80.0 against 80.1 as far apart: Plotly's own range spanned 80–80.1, the two markers at the
    plot's top and bottom. The axis now shows at least 10 points around the scores and the gate, inside 0–100."""
    _, _, result = glm5
    scored = [o for o in result.options if o.quality_score is not None][:2]
    assert len(scored) == 2
    close = [dataclasses.replace(o, quality_score=s) for o, s in zip(scored, (80.0, 80.1), strict=True)]
    low, high = charts.quality_scatter(close, [0], None, "gpqa_diamond").layout.yaxis.range
    assert (low, high) == (75.05, 85.05)  # (80 + 80.1 ∓ 10) / 2
    top = [dataclasses.replace(o, quality_score=s) for o, s in zip(scored, (97.0, 98.0), strict=True)]
    assert tuple(charts.quality_scatter(top, [0], 96, "gpqa_diamond").layout.yaxis.range) == (90.0, 100.0)
    spread = [dataclasses.replace(o, quality_score=s) for o, s in zip(scored, (40.0, 85.0), strict=True)]
    assert charts.quality_scatter(spread, [0], None, "gpqa_diamond").layout.yaxis.range is None  # Plotly's own


def test_the_pareto_axes_start_at_zero(catalogues):
    """A one-level upload zoomed the throughput-per-GPU axis to 781–783 tok/s (ticks "782.5"): both axes start at 0."""
    profile = load_profile(ROOT / "profiling" / "reference" / "deepseek-r1-b200-trtllm-mlperf-v6.0-server.yaml")
    view = profile_view(profile, Slo(), RequestClass(name="c", share=1, input_tokens=800, output_tokens=3800),
                        catalogues.models.find(profile.meta.model), catalogues.gpus.get("B200"))  # fmt: skip
    figure = charts.pareto(view, "Throughput per GPU vs speed per user")
    assert len(figure.data[0].x) + len(figure.data[1].x) == 1  # its one level
    assert figure.layout.xaxis.rangemode == figure.layout.yaxis.rangemode == "tozero"


def test_the_usage_heat_map_counts_requests_in_whole_numbers():
    """A few requests an hour had a colour scale of 0.5, 1.5, 2.5 (a reviewer): ticks of one request there; many
    requests keep Plotly's own ticks, and every tick is a whole number."""
    import datetime as dt

    from tco.workload.usage_records import UsageBucket
    from ui.usage_charts import heat_map

    def bucket(hour: int, requests: float) -> UsageBucket:
        return UsageBucket("m", None, requests, 0.0, 0.0, 0.0, 0.0, 0.0, None, dt.datetime(2026, 11, 2, hour))

    few = heat_map([bucket(h, h % 4) for h in range(24)]).data[0].colorbar
    assert (few.tick0, few.dtick, few.tickformat, few.title.text) == (0, 1, ",.0f", "requests")
    many = heat_map([bucket(h, 1000 * h) for h in range(24)]).data[0].colorbar
    assert many.dtick is None and many.tickformat == ",.0f"


def test_the_cumulative_chart_carries_a_reserved_term_past_the_horizon_on_both_bases(catalogues):
    """glm5-b200 holds a reserved term past the horizon, which the savings count in the last month (as payback and
    the NPV do): the bars dropped there while the cost lines did not (a reviewer). The self-hosted line carries it in
    that month too, and the drop is labelled with its amount."""
    from tco.records.amounts import usd

    _, _, result = resolved("glm5-vs-frontier", catalogues)
    hosted, api = result.option("glm5-b200"), result.option("glm5-api")
    pair = next(b for b in result.break_even if (b.self_hosted, b.api) == (hosted.id, api.id))
    owed = hosted.committed_after_horizon_usd
    assert owed > 0
    months = result.assumptions["months"]
    figure = charts.cumulative(months, hosted, api, pair.cumulative_savings_usd, pair.payback_month)
    lines = {t.name: list(t.y) for t in figure.data if t.type == "scatter"}
    mine, theirs = lines["glm5-b200 cumulative cost"], lines["glm5-api cumulative cost"]
    upfront = hosted.total_cost_usd - sum(hosted.monthly_cost_usd)
    assert mine[-2] == pytest.approx(upfront + sum(hosted.monthly_cost_usd[:-1]))
    assert mine[-1] == pytest.approx(upfront + sum(hosted.monthly_cost_usd) + owed)
    for month in (-2, -1):  # the bars are the gap between the lines in every month, the last included
        assert theirs[month] - mine[month] == pytest.approx(pair.cumulative_savings_usd[month])
    # said under the title, an arrow alone at the last bar (on the chart the words covered bars and a line)
    assert f"The last month counts the reserved term past the horizon: {usd(owed)}" in figure.layout.title.text
    (arrow,) = [a for a in figure.layout.annotations if a.showarrow and a.x == months[-1]]
    assert arrow.text == "" and arrow.y == pytest.approx(pair.cumulative_savings_usd[-1])
    h200 = result.option("glm5-h200")  # no term past the horizon: no label, lines as they were
    other = next(b for b in result.break_even if (b.self_hosted, b.api) == (h200.id, api.id))
    plain = charts.cumulative(months, h200, api, other.cumulative_savings_usd, other.payback_month)
    assert "reserved term" not in plain.layout.title.text and not any(a.showarrow for a in plain.layout.annotations)


def test_the_fan_draws_every_p50_over_the_bands_and_marks_each_term_renewal(glm5):
    """Both options' P50 lines come after both bands (the self-hosted P50 sat under the API's band); the flagship's
    1-year reserved term renews at month 13 of its 24, where the bands step: draws whose traffic falls keep
    the first year's fleet until the renewal (commitments never shrink inside a term)."""
    inputs, setups, result = glm5
    risk = risk_report(inputs, result, samples=200)
    months = result.assumptions["months"]
    term = next(s.model.commitment_months for s in setups if s.model.id == risk.self_hosted)
    assert term == 12 and len(months) == 24
    figure = charts.fan(months, risk.monte_carlo, [risk.self_hosted, risk.api], term)
    names = [t.name for t in figure.data]
    last_band = max(i for i, n in enumerate(names) if n and n.endswith("P10–P90"))
    assert [n for n in names[last_band + 1 :]] == [f"{risk.self_hosted} P50", f"{risk.api} P50"]
    assert [shape.x0 for shape in figure.layout.shapes] == [months[12]]
    assert [a.text for a in figure.layout.annotations] == ["term renews"]
    assert not charts.fan(months, risk.monte_carlo, [risk.self_hosted, risk.api]).layout.shapes


def _box_gap_px(box: tuple[float, float, float, float], x: float, y: float) -> float:
    """Pixels from the point (x, y) to the box (left, right, bottom, top), all in px; 0 inside."""
    left, right, bottom, top = box
    dx, dy = max(left - x, 0.0, x - right), max(bottom - y, 0.0, y - top)
    return math.hypot(dx, dy)


@given(st.lists(st.tuples(st.floats(-3.0, -2.0), st.floats(80.0, 88.0), st.integers(5, 16)), min_size=2, max_size=6))
def test_a_name_beside_its_marker_is_nearer_it_than_any_other_marker(points):
    """Issue 27, review #8: a name sat 7 px above its own marker and 1 px below the next, and was read as the next
    one's. On the chart's own axes (a score axis at least 10 points tall, a cost axis at least a decade), a name
    placed just above or below its marker has every other marker farther from its box than its own; a name lifted
    higher is joined to its marker by a line. Pixels worked out here from the plot area (700 × 300 px) and the
    label's size (7 px a character, 16 px tall, 7 px off the marker)."""
    from ui.chart_labels import LEFT, QUALITY_PLOT_PX, RIGHT, label_tiers

    named = [(x, y, "n" * length + str(i)) for i, (x, y, length) in enumerate(points)]
    x_range = money_axes.one_decade_at_least([10**x for x, _, _ in named])
    y_range = charts.score_range([y for _, y, _ in named]) or [min(y for _, y, _ in named), max(y for _, y, _ in named)]
    tiers = label_tiers(named, (), x_range, y_range)
    px_x = QUALITY_PLOT_PX[0] / (x_range[1] - x_range[0])
    px_y = QUALITY_PLOT_PX[1] / (y_range[1] - y_range[0])
    markers = [(x * px_x, y * px_y) for x, y, _ in named]
    assume(all(math.dist(a, b) > 12.0 for a, b in itertools.combinations(markers, 2)))  # 12 px markers apart
    for (x, y, name), tier, own in zip(named, tiers, markers, strict=True):
        label = charts.name_label(x, y, name, tier)
        if tier > 0:
            assert label["showarrow"] is True
            continue
        if tier in (RIGHT, LEFT):  # at the marker's height, 4 px beyond its 6 px radius
            assert label["yanchor"] == "middle" and label["xshift"] == (10.0 if tier == RIGHT else -10.0)
            left = own[0] + 10.0 if tier == RIGHT else own[0] - 10.0 - len(name) * 7.0
            box = (left, left + len(name) * 7.0, own[1] - 8.0, own[1] + 8.0)
            assert x_range[0] * px_x <= box[0] and box[1] <= x_range[1] * px_x  # inside the plot
        else:
            half = len(name) * 7.0 / 2 + 6.0
            top = own[1] - 7.0 if tier < 0 else own[1] + 7.0 + 16.0
            box = (own[0] - half, own[0] + half, top - 16.0, top)
        nearest_other = min(_box_gap_px(box, *m) for m in markers if m is not own)
        assert nearest_other > _box_gap_px(box, *own), (name, tier, tiers)


@given(
    base=st.floats(-2e6, 2e6),
    moves=st.lists(st.tuples(st.floats(-3e6, 3e6), st.floats(-3e6, 3e6)), min_size=1, max_size=6),
    label=st.text(alphabet="ab +−%", min_size=0, max_size=90),
)
def test_the_tornado_range_settles_and_holds_every_end(base, moves, label):
    """The room for the labels is a fixed point of the range and the dollars a pixel (`room_for_texts`): it settles
    whatever the labels (wider than the plot too), and the range holds $0, the base and every end."""
    bars = [
        TornadoBar(f"input {i}", label, label, base + a, base + b, 0.9, 1.1, base) for i, (a, b) in enumerate(moves)
    ]
    tornado = Tornado("h", "a", base, bars)
    texts = [risk_charts.tornado_texts(b, base) for b in reversed(bars)]
    low, high = risk_charts.room_for_texts(tornado, texts, risk_charts.label_places(tornado, texts, [-1.0, 1.0]))
    ends = [0.0, base, *(v for b in bars for v in (b.savings_at_low_usd, b.savings_at_high_usd))]
    assert math.isfinite(low) and math.isfinite(high)
    assert low <= min(ends) and high >= max(ends)
    assert high - low <= 20 * ((max(ends) - min(ends)) or abs(base) or 1.0)  # labels never blow the range up


def test_the_volume_axis_ends_where_the_lines_do_and_a_narrow_cost_span_gets_more_ticks(catalogues):
    """A reviewer's 24-hour-curve scenario drew lines to 30B on an axis running to 1T, and a $1k–$31k chart had two
    money ticks with the top lines above the last. The x axis is the lines' own window (1,000× either side of the
    volume, within the search); the y axis ticks 1, 2 and 5 of each decade where the costs span under 1.5 decades."""
    import math

    inputs, setups, result = resolved("glm5-vs-frontier", catalogues)
    feasible = [s.model for s in setups if s.feasible]
    grid, costs = cost_curves(inputs.scenario, feasible)
    kinds = {o.id: o.kind for o in result.options}
    volume = result.assumptions["requests_per_month_first"]
    figure = charts.cost_vs_volume(grid, costs, [m.id for m in feasible], kinds, None, volume)
    xs = [x for t in figure.data if t.name in kinds for x in t.x]
    assert list(figure.layout.xaxis.range) == pytest.approx([math.log10(min(xs)), math.log10(max(xs))])
    assert min(xs) >= volume / 1000 and max(xs) <= volume * 1000
    assert figure.layout.yaxis.dtick == 1  # $1k to $40M: ticked at the powers of ten
    # the two fleets alone at 3,000 requests a month: their minimum fleets, flat over most of the window
    fleets = [i for i, m in enumerate(feasible) if kinds[m.id] != "api"]
    narrow = charts.cost_vs_volume(grid, costs[fleets], [feasible[i].id for i in fleets], kinds, None, 3_000.0)
    shown = [y for t in narrow.data if t.name in kinds for y in t.y if y and y > 0]
    assert math.log10(max(shown) / min(shown)) < 1.5
    assert narrow.layout.yaxis.dtick == "D2"


def test_no_option_is_drawn_in_the_colours_that_say_ahead_or_behind(catalogues):
    """The distillation example's Break-even chart drew "qwen8-lora cumulative cost" in red, the red its legend gives
    "self-hosting behind" (a reviewer): an option's colour is never the savings' green or the losses' red, for any
    number of options."""
    colours = charts.option_colours([f"option-{i}" for i in range(30)])
    assert not {chart_style.SAVINGS, chart_style.LOSS} & set(colours.values())
    _, _, result = resolved("distil-a-student", catalogues)
    pair = decide(result).pair
    hosted, other = result.option(pair.self_hosted), result.option(pair.api)
    colours = charts.option_colours([o.id for o in result.options])
    months = result.assumptions["months"]
    figure = charts.cumulative(months, hosted, other, pair.cumulative_savings_usd, pair.payback_month, colours=colours)
    lines = [t for t in figure.data if t.type == "scatter"]
    assert lines and all(t.line.color not in (chart_style.SAVINGS, chart_style.LOSS) for t in lines)


def test_names_of_markers_a_few_pixels_apart_sit_beside_them(glm5):
    """A reviewer (the flagship): glm5-b200 ($0.0181 a task, 86) and glm5-h200 ($0.0191, 86), either side of
    opus-4.5 ($0.0183, 87), had their names lifted over opus-4.5's on two vertical lines that did not say which blue
    marker was whose. Neither fits above or below (each would touch the other's or opus-4.5's marker): glm5-b200's
    name now sits left of its marker, glm5-h200's right of its, both at the marker's height, opus-4.5's above it; no
    name is lifted on a line."""
    from tco.decision.quality import pareto_front

    _, _, result = glm5
    options = result.options
    front = pareto_front([o.usd_per_request for o in options], [o.quality_score for o in options])
    labels = {a.text: a for a in charts.quality_scatter(options, front, 85, "gpqa_diamond").layout.annotations
              if a.text in ("glm5-b200", "glm5-h200", "opus-4.5")}  # fmt: skip
    assert (labels["glm5-b200"].xanchor, labels["glm5-b200"].yanchor, labels["glm5-b200"].y) == ("right", "middle", 86)
    assert (labels["glm5-h200"].xanchor, labels["glm5-h200"].yanchor, labels["glm5-h200"].y) == ("left", "middle", 86)
    assert (labels["opus-4.5"].yanchor, labels["opus-4.5"].y) == ("bottom", 87)
    assert not any(a.showarrow for a in labels.values())


@pytest.mark.parametrize("name", ["mix-faq-and-escalations", "glm5-vs-frontier", "batch-summariser"])
def test_no_option_name_covers_the_pareto_frontier(name, catalogues):
    """A reviewer (the mix example): "oss120-h200-1y", lifted over its marker, hid the frontier's first step, so the
    frontier seemed to start at deepseek-v3.2 while the table ticked oss120-h200-1y as on it. Every name's box
    (7 px a character, 16 px tall, 7 px off its marker; lifted names one label height a tier) keeps off the
    frontier's steps, drawn here across then up between the frontier's options on the chart's own axes."""
    from tco.decision.quality import pareto_front
    from ui.chart_labels import QUALITY_PLOT_PX

    _, _, result = resolved(name, catalogues)
    options = result.options
    front = pareto_front([o.usd_per_request for o in options], [o.quality_score for o in options])
    figure = charts.quality_scatter(options, front, None, "gpqa_diamond")
    scores = [o.quality_score for o in options if o.quality_score is not None]
    spread = max(scores) - min(scores)  # where the chart leaves the score axis to Plotly: 8 % padding either side
    (x0, x1), (y0, y1) = (
        figure.layout.xaxis.range,
        figure.layout.yaxis.range
        or (
            min(scores) - 0.08 * spread,
            max(scores) + 0.08 * spread,
        ),
    )
    per_px_x, per_px_y = (x1 - x0) / QUALITY_PLOT_PX[0], (y1 - y0) / QUALITY_PLOT_PX[1]
    corners = sorted((math.log10(options[i].usd_per_request), options[i].quality_score) for i in front)
    steps = [(a[0] + (b[0] - a[0]) * k / 50, a[1]) for a, b in itertools.pairwise(corners) for k in range(51)]
    steps += [(b[0], a[1] + (b[1] - a[1]) * k / 50) for a, b in itertools.pairwise(corners) for k in range(51)]
    for label in figure.layout.annotations:
        lifted = label.showarrow is True
        centre_px = -label.ay if lifted else (7 + 8 if label.yanchor == "bottom" else -7 - 8)  # px above the marker
        half = len(label.text) * 7.0 / 2
        middle = label.x + (
            0.0 if label.xanchor in (None, "center") else (label.xshift + math.copysign(half, label.xshift)) * per_px_x
        )
        if label.yanchor == "middle":  # beside its marker, at its height
            centre_px = 0.0
        box = (middle - half * per_px_x, middle + half * per_px_x,
               label.y + (centre_px - 8) * per_px_y, label.y + (centre_px + 8) * per_px_y)  # fmt: skip
        own = (label.x, label.y)
        crossed = [(x, y) for x, y in steps if box[0] < x < box[1] and box[2] < y < box[3] and (x, y) != own]
        assert not crossed, (label.text, crossed[:3])
