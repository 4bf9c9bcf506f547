"""Compare: the answer first (what to pick, what it saves, when self-hosting pays back), the key inputs above it,
the ranked options with each one's problem in its own row, then every input in tabs below."""

from typing import Any

import streamlit as st

from reports.ranking import ranked, throughput_basis
from tco.decision.mix_verdict import SINGLE_MARK, mix_classes, uncounted_note, with_mix
from tco.decision.verdict import compared_pair, decide, mean_monthly_usd, payback_text, status, verdict, why_not
from tco.records.amounts import months_words, usd, usd_saved
from tco.records.results import OptionResult, recommendable
from ui import (
    as_opened,
    charts,
    distill_form,
    distill_view,
    glossary,
    mix_view,
    options_form,
    pair_choice,
    report,
    slo_form,
    state,
    tables,
    workload_form,
)
from ui.state import Analysis

PICK_CHARS = 11
"""The longest option id the Pick figure shows at full size in a quarter of a 1280-px page ("glm5-h200-1y")."""
PAIR_FIRST, PAIR_SECOND = "pair.first", "pair.second"
"""The pair picker's boxes (`pair_picker`)."""
PAIR_HELP = (
    "Any two options: the payback and what would change the answer follow them, and Break-even, Risk and the "
    "exports take the same pair (a self-hosted option against an API). Default: the pick and the best option of the "
    "other kind. The choice is in the share link"
)


def pair_picker(analysis: Analysis) -> tuple[tuple[str, str] | None, Any]:
    """'Compare … with …': any two options; default the pick and the best of the other kind. The choice is kept
    in the session and the link (`pair_choice.PAIR`, one pair for Compare, Break-even, Risk and the exports); back on
    the default it is forgotten, so new options re-default. The boxes are keyed and set from the kept pair before they
    are drawn; a change is kept by their callback, before the run (unkeyed boxes whose index followed the kept pair
    became new widgets at each choice, and every second choice was dropped: a reviewer). Returns the pair and the
    row's free end, where `answer` puts the glossary once the verdict is written (None without a picker)."""
    result = analysis.result
    ids = [o.id for o in ranked(result)]
    if len(ids) < 2:
        return None, None
    default = compared_pair(result, decide(result).pick)
    current = compared_pair(result, decide(result).pick, pair_choice.chosen_pair())
    if current is None:
        return None, None
    labels = {o.id: f"{o.id} ({'self-hosted' if o.kind == 'self_hosted' else 'API'})" for o in result.options}
    words, left, between, right, spare = st.columns([1.1, 2.4, 0.5, 2.4, 1.6], vertical_alignment="center")
    words.markdown("Compare", help=PAIR_HELP)
    st.session_state[PAIR_FIRST], st.session_state[PAIR_SECOND] = current[0].id, current[1].id
    args = (PAIR_FIRST, PAIR_SECOND, (default[0].id, default[1].id) if default else None)
    first = left.selectbox("Compare", ids, key=PAIR_FIRST, format_func=labels.get, label_visibility="collapsed",
                           on_change=pair_choice.picked_pair, args=args)  # fmt: skip
    between.markdown("with")
    second = right.selectbox("with", ids, key=PAIR_SECOND, format_func=labels.get, label_visibility="collapsed",
                             on_change=pair_choice.picked_pair, args=args)  # fmt: skip
    return (first, second), spare


def cheaper_first(pair: tuple[OptionResult, OptionResult]) -> tuple[OptionResult, OptionResult]:
    """The pair with the lower NPV of cost first: the saving figures name the one that saves, whichever order the
    reader picked them in ("glm5-h200 saves (NPV) −$1,043,546" for Gemini picked first read as a double negative)."""
    return (pair[0], pair[1]) if pair[0].npv_cost_usd <= pair[1].npv_cost_usd else (pair[1], pair[0])


def answer(analysis: Analysis) -> None:
    result = analysis.result
    with st.container(border=True, key="verdict"):
        pair, glossary_slot = pair_picker(analysis)
        decision = decide(result, pair)
        months = len(result.assumptions["months"])
        # a recommended mix's verdict ran to 11 lines at 1280 px, the figures at the screen's edge and the table past
        # it (a reviewer): the mix's sentences lead; the best single option's, with every "not recommended alone",
        # open under the figures
        full, _, single = with_mix(verdict(result, decision), analysis.mix).partition(SINGLE_MARK)
        headline, _, rest = full.partition(". ")
        # the recommendation in bold, the reasons after it in plain type (one paragraph a reader scans)
        text = f"**{tables.escape_markdown(headline)}.** {tables.escape_markdown(rest)}" if rest else f"**{headline}**"
        st.container(key="verdict-text").markdown(tables.sign_kept(text))
        cols = st.columns(4)
        mix = analysis.mix
        # the reader picked the pair: its saving is the figure they asked for (self-hosted against an API, or two
        # of one kind: the first against the second), in the place of the pick's (or the mix's) saving
        picked = (decision.hosted, decision.api) if decision.pair is not None else decision.compared
        pair_chosen = pair_choice.chosen_pair() is not None and picked is not None and None not in picked
        if mix is not None and mix.recommended and mix.saving_usd is not None:  # the mix leads: its figures
            cols[0].metric("Pick", "a mix", help="; ".join(mix.words) + " (the Best mix tab)")
            cols[1].metric("Cost a month", usd(sum(mix.monthly_cost_usd) / len(mix.monthly_cost_usd)),
                           help=f"The mix's mean over the {months}-month horizon, one-time costs apart")  # fmt: skip
            if not pair_chosen:  # one figure a slot: a chosen pair's saving takes it (the verdict says the mix's)
                cols[2].metric("Saves (NPV)", usd(mix.saving_usd),
                               help=f"Against the best single option, {mix.best_single_option}")  # fmt: skip
        elif decision.pick is not None:
            # a long id in a smaller type (app_session's style for .st-key-pick-long), whole rather than cut at 1280 px
            long_id = len(decision.pick.id) > PICK_CHARS
            pick = cols[0].container(key="pick-long") if long_id else cols[0]
            pick.metric("Pick", decision.pick.id, help=decision.pick.label)
            cols[1].metric(
                "Cost a month",
                usd(mean_monthly_usd(decision.pick)),
                help=f"Mean over the {months}-month horizon (growth and price declines included; one-time costs "
                "apart, they are in the NPV)",
            )
        # the pair on screen (picked, or the headline's) gives the saving where the pick has no next best to save
        # against: the owned example showed "Saves (NPV) –" above a verdict quoting the pair's −$470,207 (a reviewer)
        pair_shown = picked is not None and None not in picked
        alone = decision.runner_up is None and not (mix and mix.recommended)
        if pair_chosen or (pair_shown and alone and decision.pick is not None):
            a, b = cheaper_first(picked)
            # the cheaper side may be one nobody would pick: "qwen3-235b-fireworks saves $470,207" beside
            # "Recommended: llama70b-owned" read as a contradiction (a reviewer); "would save" and the reason say so
            verb, why = ("saves", "") if recommendable(a) else (
                "would save", f" {a.id} is not recommended: {why_not(a)}.")  # fmt: skip
            cols[2].metric(  # against whom, under the figure: beside "Pick glm5-api" a reader took "gemini saves"
                f"{a.id} {verb} (NPV)",  # for a saving against the pick (a reviewer)
                usd_saved(a.npv_cost_usd, b.npv_cost_usd),
                f"vs {b.id}",
                delta_color="off",
                delta_arrow="off",
                help=f"Against {b.id}, the pair picked above: its NPV of cost minus {a.id}'s over the {months}-month "
                "horizon (negative: it costs more)." + why,
            )
        elif decision.savings_npv_usd is not None and decision.runner_up is not None and not (mix and mix.recommended):
            cols[2].metric(
                "Saves (NPV)",
                usd_saved(decision.pick.npv_cost_usd, decision.runner_up.npv_cost_usd),
                help=f"NPV of cost of the next best, {decision.runner_up.id}, minus the pick's",
            )
        elif decision.pick is not None and not (mix and mix.recommended):  # the slot said nothing at all
            cols[2].metric(
                "Saves (NPV)",
                "–",
                help="No other option meets the SLO and the quality gate, so there is no next best to save against "
                "(the table says why each is not recommended)",
            )
        if decision.pair is not None and decision.hosted is not None and decision.api is not None:
            owned = decision.pair.terminal_value_usd is not None  # servers bought up front: the cash payback
            payback = decision.pair.cash_payback_month if owned else decision.pair.payback_month
            caveat = None if recommendable(decision.hosted) else why_not(decision.hosted)  # a payback that counts
            uncounted = f". {uncounted_note(decision.hosted.id, caveat or '', analysis.mix, 'this payback', one=True)}"
            alone = " alone" if mix_classes(decision.hosted.id, analysis.mix) else ""  # the mix uses it for some
            # the API it is measured against may itself be one nobody would pick (owned-fleet: "never pays back"
            # beside a self-hosted pick, against an API with no gate score): the pill says so
            api_caveat = None if recommendable(decision.api) else status(decision.api, decision)
            if caveat:  # the table's status ("misses the SLO": a payback that counts nothing served)
                badge = f"not recommended{alone}" if alone else status(decision.hosted, decision)
            else:
                badge = f"API: {api_caveat}" if api_caveat else None
            api_note = (f". {decision.api.id} is not recommended itself ({why_not(decision.api)}): this payback "
                        "compares with an option you would not pick") if api_caveat else ""  # fmt: skip
            shown = f"month {payback}" if payback and decision.pair.npv_savings_usd > 0 else "never"
            if api_caveat and not pair_chosen and not caveat:  # no API at all is recommended (the headline pair
                # takes a recommended one first): the figure stands, as on Break-even ("–" here beside "never" there
                # read as two answers, a reviewer), the pill saying it is against an API nobody would pick
                badge = "its API is ruled out"  # "no API recommended" beside a figure naming the API read as a
                # contradiction (a reviewer): the API is named and ruled out, its reason in the help
                api_note = (f". No API meets the SLO and the quality gate: against the cheapest, {decision.api.id} "
                            f"({why_not(decision.api)}), it pays back: {payback_text(decision.pair)}")  # fmt: skip
            cols[3].metric(
                # "would": a payback of an option that is not recommended (distil example: "pays back month 2" for
                # one that misses the SLO, beside "Not recommended: qwen8-lora")
                "Self-hosting " + ("would pay back" if caveat else "pays back") + (" (cash)" if owned else ""),
                shown,
                delta=badge,  # the reasons in the help: the pill holds ~20 characters
                delta_color="off",
                delta_arrow="off",
                help=f"{decision.hosted.id} against {decision.api.id}: the first month from which cumulative "
                f"savings stay above zero; never = not within the {months_words(months)}"
                + (f". {payback_text(decision.pair)}" if owned else "")
                + (uncounted if caveat else "")
                + api_note,
            )
        elif decision.compared is not None:  # two of one kind: nothing invested, so no payback; their difference
            # a month, not the NPV again: the saving slot holds the NPV (a reviewer saw one figure twice, and a
            # fleet "23% less a month" beside a negative NPV saving with nothing on screen saying why)
            a, b = cheaper_first(decision.compared)
            cols[3].metric(
                f"{a.id} saves a month",
                usd(mean_monthly_usd(b) - mean_monthly_usd(a)),
                help=f"Mean monthly cost of {b.id} minus {a.id}'s over the {months}-month horizon (one-time costs "
                "apart). The NPV saving also counts one-time costs, discounting and reserved terms past the horizon, "
                "so the two can differ in sign. Payback compares self-hosting with an API; pick one of each to see it",
            )
        if single:
            with st.expander("As a single option, and why each is not recommended alone"):
                st.markdown(tables.sign_kept(tables.escape_markdown(f"The best single option: {single}")))
        conditions = (
            f"SLO: {slo_form.summary(analysis.scenario.slo)}. Prices: {result.assumptions['price_data']}. "
            f"Peak-to-average {result.assumptions['peak_to_average']:.3g}."
        )
        st.caption(conditions)
        if glossary_slot is not None:
            # the table's columns (NPV of cost, $/Mtok) always; a fleet's words where one is self-hosted
            hosted = any(o.kind == "self_hosted" for o in result.options)
            bases = " ".join(throughput_basis(o) or "" for o in result.options)  # as the table's column writes it
            shown = "NPV $/Mtok" + (" replica payback" if hosted else "")
            shown += " quality gate" if analysis.scenario.quality.active else ""
            terms = glossary.used_terms(full, single, conditions, bases, shown)
            glossary_slot.popover("Glossary", icon=":material/menu_book:").markdown(glossary.glossary_markdown(terms))
    frame = tables.options_frame(result, analysis.mix)
    # texts wrap rather than cut where the columns overrun the page (the owned example's "modelle…60%" at 1280 px:
    # a reviewer); rows stay one line tall where every text fits one
    tables.show_table(frame, tables.OPTION_COLUMNS, min_px={"option": tables.OPTION_MIN_PX}, wrap=True)
    for err in result.option_errors:
        st.warning(
            f"**{tables.escape_markdown(str(err.id))}** is left out: {tables.escape_markdown(err.error)}",
            icon=":material/error:",
        )
    for note in tables.table_notes(result):
        st.caption(tables.escape_markdown(note))
    fleets = tables.fleets(result)
    if fleets:
        st.caption("Fleets: " + "; ".join(tables.escape_markdown(f) for f in fleets) + ".")
    distill_view.render(result)
    report.render(analysis)


data = state.data()
st.subheader(tables.escape_markdown(f"Self-host or API? {data.get('name') or ''}".strip()), anchor=False)
described = st.empty()  # filled once this run's edits are in the scenario (the key inputs below)
workload_form.render_key_inputs(data)
answer_box = st.container()  # drawn after the tabs below have written their edits into the scenario
workload_tab, slo_tab, options_tab, chart_tab, mix_tab = st.tabs(
    ["Workload", "SLO & capacity", "Options", "Cost breakdown", "Best mix"], key="compare_tabs", on_change="rerun"
)
with workload_tab:
    workload_form.render(data)
if slo_tab.open:  # a tab's forms drawn only while it is open: the first screen draws one tab, not three
    with slo_tab:
        slo_form.render(data)
        slo_form.render_capacity(data)
if options_tab.open:
    with options_tab:
        options_form.render(data)
        distill_form.render(data)
if mix_tab.open:  # its settings before the answer, which they change; its results after
    with mix_tab:
        mix_view.settings(data)
description = as_opened.description_text(data.get("description"), state.workload_edited())
described.caption(tables.escape_markdown(description or "Change any input; the answer follows."))
with answer_box:
    current = state.analysis()
    if current is not None:
        answer(current)
if current is not None:
    if chart_tab.open:  # Plotly's bundle only when the chart is looked at: the first screen does not wait on it
        with chart_tab:
            charts.show(charts.breakdown(current.result, ranked(current.result)), "cost-breakdown")
    if mix_tab.open:
        with mix_tab:
            mix_view.results(current)
    tables.notes(current.result)
    tables.assumptions(current.result)
