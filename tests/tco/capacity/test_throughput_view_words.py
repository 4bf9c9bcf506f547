"""What the Throughput page says about a profile, in words (`tco.capacity.throughput_view`): found false in review."""

from __future__ import annotations

import pytest

from profiling.schema import Level, Percentiles, Profile, ProfileMeta, load_profile
from tco.capacity.level_consistency import usable
from tco.capacity.throughput_view import profile_view
from tco.capacity.view_words import far_shape_note
from tco.records.scenario import RequestClass, Slo
from tests.conftest import ROOT

QWEN = ROOT / "profiling" / "reference" / "qwen3-235b-a22b-h200-trtllm.yaml"


def cls(input_tokens: float, output_tokens: float, cached: float = 0.0) -> RequestClass:
    return RequestClass(name="c", share=1, input_tokens=input_tokens, output_tokens=output_tokens,
                        cached_input_share=cached)  # fmt: skip


def test_a_measured_shape_at_another_cached_share_is_near():
    """owned-fleet-finance asks 1,000 in / 1,000 out at 30 % cached of a profile that measured 1,000/1,000 at 0 %:
    the page said "measured at about 13,556 tokens a request, 6.8× more" (the mean over all its shapes) beside the
    list naming 1,000/1,000. The cached share aside, the shape was measured: no warning. At 20,000 in / 100 out
    the nearest measured shape is named with how far each length is."""
    profile = load_profile(QWEN)
    assert 1000 in {round(lv.input_tokens) for lv in profile.levels if round(lv.output_tokens) == 1000}
    assert far_shape_note(profile, cls(1000, 1000, 0.3)) is None
    note = far_shape_note(profile, cls(400, 2000))  # 1,000/1,000: 1,000/400 = 2.5× the input, half the output
    assert note is not None and "(400 in / 2,000 out): the nearest, 1,000 in / 1,000 out, has 2.5× longer input, so" \
        in note  # fmt: skip


@pytest.mark.parametrize("slo", [Slo(), Slo(ttft_p99_s=2.0)])
def test_max_throughput_figures_name_no_load_and_no_knee(catalogues, slo):
    """Max-throughput figures (trtllm-bench: no concurrency) give a throughput at full load, never "a knee at
    concurrency 0" (a load that serves nothing)."""
    profile = load_profile(QWEN)
    view = profile_view(profile, slo, cls(1500, 700, 0.3), catalogues.models.find(profile.meta.model),
                        catalogues.gpus.get("H200"))  # fmt: skip
    assert "concurrency 0" not in view.chosen
    if not slo.bounds():  # 1,500/700 was not measured: modelled, at full load
        assert view.capacity.level_index is None
        assert view.chosen.startswith("Predicted throughput at full load (the profile's figures are max-throughput)")


def test_a_profile_whose_every_level_is_left_out_says_so(catalogues):
    """Four vLLM levels whose req/s break Little's law (8 in flight for 11.2 s each serve 0.71 req/s, not 2.1) are
    each left out: the page said "No predicted load meets the SLO (modelled, expected error ±0%)" and drew "No
    latency data in this profile" though every file held latencies. It says no level can be used, and why."""
    levels = [
        Level(
            input_tokens=2000,
            output_tokens=500,
            requests_completed=100,
            requests_failed=0,
            req_per_s=3 * c / e2e,
            concurrency=c,
            ttft_s=Percentiles(p50=0.2, p99=0.4),
            itl_s=Percentiles(p50=0.02, p99=0.04),
            e2e_s=Percentiles(p50=e2e, p99=1.2 * e2e),
        )
        for c, e2e in ((8, 11.2), (16, 13.3), (32, 17.5), (64, 27.9))
    ]
    meta = ProfileMeta(model="Qwen/Qwen3-32B", engine="vllm", gpu="H100", gpu_count=1, source="measured")
    profile = Profile(profile_version=1, meta=meta, levels=tuple(levels))
    assert not any(usable(lv) for lv in profile.levels)
    view = profile_view(profile, Slo(itl_p99_s=0.05), cls(1000, 300), None, catalogues.gpus.get("H100"))
    assert view.chosen.startswith("No level of this profile can be used: all 4 are left out (the notes say why)")
    assert "±0%" not in view.chosen and view.capacity.req_per_s is None
    assert view.notes and "Little's law" in " ".join(view.notes)


def test_a_capacity_where_the_modelled_load_ends_is_not_called_a_knee(catalogues):
    """The mix example's GPT-OSS-120B on H200 (MLPerf server: one level, concurrency 1,351 by Little's law) meets
    ITL p99 ≤ 0.08 s and TTFT p99 ≤ 3 s at every load the model looks at: X* is where the search ends. The chart
    drew a "predicted knee" right of the lines' end (they stopped at concurrency 1,024), where no line crossed an
    SLO line. Now the lines end at the search's last load, the knee's place, and the words say no bound is reached.
    A bound that binds (ITL p99 ≤ 0.01 s) still gives a knee, inside the lines."""
    from ui import throughput_charts

    profile = load_profile(ROOT / "profiling" / "reference" / "gpt-oss-120b-h200-vllm-llmd-mlperf-v6.0-server.yaml")
    card, gpu = catalogues.models.find(profile.meta.model), catalogues.gpus.get("H200")
    faq = cls(1500, 300, 0.5)
    view = profile_view(profile, Slo(ttft_p99_s=3.0, itl_p99_s=0.08), faq, card, gpu)
    assert view.search_end and view.capacity.concurrency == view.model.max_concurrency  # memory allows more
    assert view.curve[-1].concurrency == view.capacity.concurrency and view.curve[-1].meets_slo
    assert view.chosen.startswith("The SLO is still met at the highest load the model looks at, concurrency 1,351 "
                                  "(the highest load measured; the model predicts no further)")  # fmt: skip
    assert "not a knee" in view.chosen and "Predicted knee" not in view.chosen
    figure = throughput_charts.latency_curves(view, {"ITL p99": 0.08}, "Latency vs load", "1,500/300")
    assert [a.text for a in figure.layout.annotations if "SLO still met" in a.text] == [
        "SLO still met: end of the modelled load"
    ]
    unbounded = profile_view(profile, Slo(), faq, card, gpu)  # no SLO to be "still met"
    assert unbounded.search_end and unbounded.chosen.startswith("With no latency bound, the capacity is taken at the "
                                                                "highest load the model looks at")  # fmt: skip
    tight = profile_view(profile, Slo(itl_p99_s=0.01), faq, card, gpu)
    assert not tight.search_end and tight.chosen.startswith("Predicted knee")
    assert tight.capacity.concurrency < tight.curve[-1].concurrency


def test_a_cache_adjusted_measured_level_is_not_drawn_as_the_models_knee(catalogues):
    """A reviewer's three vLLM levels at 2,000/500 with nothing cached, for a workload with half its input cached:
    the capacity is a measured level adjusted for the prefill the cache saves (the levels bound it), drawn as
    "predicted knee" left of where the model's own lines crossed a bound. The line now says what it is."""
    import json

    from profiling.importers import profile_from_texts
    from tests.profiling.test_importers import _trimmed_vllm
    from ui import throughput_charts

    runs = [_trimmed_vllm(4, 0.9, 120.0, 15.0), _trimmed_vllm(16, 2.9, 230.0, 19.0), _trimmed_vllm(64, 6.0, 900, 35)]
    profile = profile_from_texts([(f"c{r['max_concurrency']}.json", json.dumps(r)) for r in runs],
                                 {"gpu": "H100", "gpu_count": 1})  # fmt: skip
    slo = Slo(ttft_p99_s=2.0, itl_p99_s=0.05)
    view = profile_view(profile, slo, cls(2000, 500, 0.5), catalogues.models.find(profile.meta.model),
                        catalogues.gpus.get("H100"))  # fmt: skip
    assert view.capacity.cache_adjusted
    figure = throughput_charts.latency_curves(view, {"TTFT p99": 2.0, "ITL p99": 0.05}, "Latency vs load", "2,000/500")
    labels = [a.text for a in figure.layout.annotations if not a.text.startswith("SLO ")]
    assert [label.replace("<br>", " ") for label in labels] == ["capacity: a measured level, adjusted for the cache"]
    # the sentence says the measured and adjusted figures; the notes under it do not say them again (a reviewer)
    assert view.capacity.notes[0] in view.chosen and view.capacity.notes[0] not in view.notes


def test_one_level_says_it_is_too_few_to_leave_one_out():
    """The MLPerf DeepSeek-R1 profile has one level; its error basis said "concurrency leave-one-out" beside "fitted
    to its one level" (a reviewer). With fewer than three levels nothing is left out: the basis says so."""
    from tco.capacity.fitting import ONE_SHAPE_ERROR, fit_profile

    model = fit_profile(
        load_profile(ROOT / "profiling" / "reference" / "deepseek-r1-b200-trtllm-mlperf-v6.0-server.yaml")
    )
    assert model.error_basis == "one shape measured at 1 load: too few to leave one out, so the token-scaling error"
    assert model.expected_error == ONE_SHAPE_ERROR


def test_one_load_and_no_card_draws_no_model_line(catalogues):
    """A profile of one level whose model the catalogue lacks drew its model lines flat at the level's req/s from
    c = 1 to 16, a wall on the latency chart (a reviewer). One load and no card and GPU: no line, and a note says
    why; the same level with the model's card, or two loads without it, keep their lines."""
    from datafiles import parse_as
    from tco.capacity.throughput_view import ONE_LOAD_NOTE
    from tests.conftest import level, simple_profile

    h100 = next(g for g in catalogues.gpus.gpus if g.id == "H100")
    slo, cls = (
        Slo(ttft_p99_s=2.0, itl_p99_s=0.05),
        RequestClass(name="m", share=1.0, input_tokens=2000, output_tokens=500),
    )

    def view(model: str, concurrencies: tuple[int, ...]):
        levels = [level(1.0 + c / 16, 0.4, 0.03 * c / 16, concurrency=c) for c in concurrencies]
        data = simple_profile(levels, 1, model)
        data["meta"]["gpu"] = "H100"
        return profile_view(parse_as(Profile, data, "p.yaml"), slo, cls, catalogues.models.find(model), h100)

    alone = view("acme/mystery-70b", (16,))
    assert alone.curve == [] and ONE_LOAD_NOTE in alone.notes
    assert alone.capacity.level_index == 0 and alone.capacity.req_per_s == 2.0  # the level itself still counts
    with_card = view("qwen3-32b", (16,))
    assert len({round(p.req_per_s, 6) for p in with_card.curve}) > 1 and ONE_LOAD_NOTE not in with_card.notes
    two_loads = view("acme/mystery-70b", (4, 16))
    assert len({round(p.req_per_s, 6) for p in two_loads.curve}) > 1 and ONE_LOAD_NOTE not in two_loads.notes


def test_the_model_column_is_each_level_predicted_without_its_shape(catalogues):
    """The levels table's "req/s, model" agreed with "req/s" to the digit on every row (the fit is corrected toward
    its levels), beside a stated ±5 % (a reviewer: "a copy of the measurement"). It is now each level as the model
    fitted without its shape predicts it: refitted here on the other shapes' levels, the same numbers."""
    import dataclasses

    from tco.capacity.fitting import fit_profile
    from tco.capacity.roofline import default_precision, fit_hints
    from tco.capacity.shapes import group_levels, level_shape

    def without_levels(profile: Profile, indices: tuple[int, ...]) -> Profile:
        return dataclasses.replace(profile, levels=tuple(lv for i, lv in enumerate(profile.levels) if i not in indices))

    profile = load_profile(ROOT / "profiling" / "reference" / "glm-5-fp8-tp8-vllm-inferencex.yaml")
    card, gpu = catalogues.models.find(profile.meta.model), catalogues.gpus.get("H200")
    cls = RequestClass(name="chat", share=1.0, input_tokens=2000, output_tokens=500)
    view = profile_view(profile, Slo(ttft_p99_s=2.0, itl_p99_s=0.05), cls, card, gpu)
    rows = {r.index: r for r in view.rows}
    groups = group_levels(profile.levels, profile.meta.cached_input_share)
    precision = profile.meta.precision or default_precision(gpu)
    hints = fit_hints(card, gpu, profile.meta.gpu_count, precision, 2500, profile.meta.engine)
    off = []
    for group in groups[:2]:
        alone = fit_profile(without_levels(profile, group.indices), hints)  # the fit never saw this shape
        for i in group.indices:
            level = profile.levels[i]
            shape = level_shape(level, profile.meta.cached_input_share)
            assert rows[i].model_req_per_s == pytest.approx(alone.req_per_s(shape, level.concurrency), rel=1e-9)
            off.append(abs(rows[i].model_req_per_s / level.req_per_s - 1))
    assert max(off) > 0.01  # no longer the measurement itself


def test_a_latency_error_that_moves_nothing_is_not_read_as_a_range():
    """'between 1.23 and 1.23 req/s: 1.23 is 0% above the first' (a reviewer): where the bounds tightened and
    loosened by the latency error give one figure to three digits, the story says the capacity stays there."""
    from tco.capacity.perf_model import PerfModel
    from tco.capacity.shapes import Shape
    from tco.capacity.slo_search import SloSearch
    from tco.capacity.view_words import error_story

    model = PerfModel((1e-4, 1e-3, 0.0, 0.01), max_concurrency=64, expected_error=0.05, error_basis="leave-one-out")
    at = lambda x: (x, 8.0, ())  # noqa: E731
    flat = error_story(model, Shape(1000, 100), SloSearch(at(1.231), at(1.229), at(1.232), 0.1), 0.05)
    assert "leaves the capacity at the SLO at 1.23 req/s" in flat and "between 1.23 and 1.23" not in flat
    steep = error_story(model, Shape(1000, 100), SloSearch(at(2.0), at(1.5), at(2.4), 0.1), 0.33)
    assert "between 1.5 and 2.4 req/s: 2 is 33% above the first" in steep


def test_the_stated_error_and_the_80_percent_range_are_tied_in_words():
    """Review #14b: "±48 %" beside a range reaching 82 % above the answer. The ± is the answer's error against the
    truth, |answer / truth − 1|; the range says where the truth lies. Here the search puts X* at 1.0 req/s, 0.676
    at latencies 10 % tighter and 1.82 at 10 % looser: below = 1.0 / 0.676 − 1 = 48 %, above = 1.82 − 1 = 82 %;
    the truth lies from 1 − 1 / 1.48 = 32 % below the answer to 82 % above it, and the answer is 48 % above the
    truth at the low end and 1 − 1 / 1.82 = 45 % below it at the high end (so ±48 %, the larger)."""
    from tco.capacity.perf_model import PerfModel
    from tco.capacity.shapes import Shape
    from tco.capacity.slo_search import SloSearch
    from tco.capacity.view_words import error_story

    model = PerfModel((1e-4, 1e-3, 0.0, 0.01), max_concurrency=64, expected_error=0.05, error_basis="leave-one-out")
    at = lambda x: (x, 8.0, ())  # noqa: E731
    story = error_story(model, Shape(1000, 100), SloSearch(at(1.0), at(1.0 / 1.48), at(1.82), 0.1), 0.48)
    assert "lies between 0.676 and 1.82 req/s in 80 % of cases" in story
    assert "(the range the Monte Carlo draws): this answer up to 48% above the truth or 45% below it." in story


def test_the_throughput_page_sizes_the_replica_as_compare_does(catalogues):
    """A reviewer (the mix example): the Throughput page said 44.8–45.6 req/s and 14,513 sequences in memory for
    GPT-OSS-120B's FAQ class, Compare 44.7–45.5 and 5,678. Compare holds the scenario's longest request (the
    escalations, 4,000 + 800 tokens) in every replica: the memory fit and the card's hints to the fit follow it. Given
    that length, the page's view states Compare's X* for the class and Compare's memory fit, to the last digit."""
    from scenario_io import load_inputs
    from tco.capacity.replica_capacity import replica_capacity

    inputs = load_inputs(ROOT / "scenarios" / "mix-faq-and-escalations.yaml", catalogues)
    item = next(o for o in inputs.options if o.option.id == "oss120-h200-1y")
    classes = inputs.scenario.workload.request_classes
    compare = replica_capacity(item, inputs.scenario.slo, classes)
    faq = max(classes, key=lambda c: c.share)
    longest = max(c.input_tokens + c.output_tokens for c in classes)
    assert longest == 4_800 and compare.context_tokens == longest
    view = profile_view(item.profile, inputs.scenario.slo, faq, item.card, item.gpu, longest)
    assert view.capacity.req_per_s == compare.classes[classes.index(faq)].req_per_s
    assert view.memory.max_concurrency == compare.max_concurrency == 5_678  # ⌊1,031.6 GB / 0.1817 GB⌋
    alone = profile_view(item.profile, inputs.scenario.slo, faq, item.card, item.gpu)  # the class's own 1,800
    assert alone.memory.max_concurrency == 14_513
