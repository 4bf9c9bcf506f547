"""The Compare page's "Best mix" tab: turn the mix on, choose its ingredients, read what it is and what it saves."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from reports.mix import draws_text, mix_monthly_csv, robustness_text
from tco.portfolio.robustness import MIX_CASES, MIX_DRAWS, expected_seconds
from tco.records.amounts import usd
from tco.records.assumptions import MIX_INGREDIENTS, Portfolio
from ui import charts, mix_charts, state, table_fit, tables
from ui.state import Analysis

INGREDIENT_WORDS = {
    "routing": "Routing: each kind of request to its own option",
    "overflow": "Overflow: the base on the committed fleet, the peak hours elsewhere",
    "terms": "Terms: a reserved floor beside on-demand growth (options of one model on one GPU)",
    "cascade": "Cascade: an option answers first and escalates a share (the option's escalation)",
}

ROBUSTNESS_HELP = {
    "input": st.column_config.TextColumn(help="The input moved, alone, to one end of its Risk-page range"),
    "at": st.column_config.TextColumn(help="The value it was moved to"),
    "mix, NPV": st.column_config.TextColumn(help="The best mix solved again at that value: its NPV of cost"),
    "best single": st.column_config.TextColumn(help="The cheapest single option at that value, and its NPV of cost"),
    "the mix saves": st.column_config.TextColumn(help="The best single option's NPV of cost less the mix's"),
    "still recommended": st.column_config.TextColumn(help="Whether the mix still saves more than the margin"),
}
"""Help for the "Does the mix hold" table's columns."""


def settings(data: dict[str, Any]) -> None:
    """The toggle and the ingredients, written into the scenario's `portfolio` (so into the link)."""
    current = {**Portfolio().__dict__, **(data.get("portfolio") or {})}
    enabled = st.toggle(
        "Find the cheapest mix of these options",
        value=bool(current["enabled"]),
        key="f.portfolio.enabled",
        help="Solves which option serves each request class, committed and on-demand capacity month by month and "
        "what overflows hour by hour, against the best single option (a mixed-integer programme, HiGHS)",
    )
    allow = [i for i in MIX_INGREDIENTS if i in current["allow"]]
    if enabled:
        cols = st.columns(len(MIX_INGREDIENTS))
        allow = [i for col, i in zip(cols, MIX_INGREDIENTS, strict=True)
                 if col.checkbox(INGREDIENT_WORDS[i].split(":")[0], value=i in current["allow"],
                                 key=f"f.portfolio.{i}", help=INGREDIENT_WORDS[i])]  # fmt: skip
    wanted = {"enabled": enabled, "allow": allow, "min_saving_share": current["min_saving_share"]}
    if wanted != current:
        data["portfolio"] = wanted


def cascade_words(analysis: Analysis) -> list[str]:
    """Why a cascade the mix uses may serve a class whose gate its first option fails, and where its share comes
    from (a reviewer: escalations went to deepseek-v3.2, 82.4 against a gate of 85, with no word why)."""
    assignments = analysis.mix.assignments if analysis.mix else []
    # (first option, option escalated to) of each cascade the mix uses: a class's primary and its escalation
    cascades = {(p.option, a.option) for a in assignments if a.role == "escalation"
                for p in assignments if p.class_name == a.class_name and p.role == "primary"}  # fmt: skip
    out = []
    for option in analysis.scenario.options:
        step = getattr(option, "escalation", None)
        if step is None or (option.id, step.to) not in cascades:
            continue
        source = f": {step.source}" if step.source else " (no source given)"
        out.append(
            f"Cascade: {option.id} answers each request first and hands {step.share:.0%} on to {step.to}, the share "
            f"it fails{source}. The class's quality gate is taken as met by {step.to}, which passes it and answers "
            f"what {option.id} cannot; the share is the scenario's (escalation.share), not measured here."
        )
    return out


def results(analysis: Analysis) -> None:
    """Under `settings`, drawn after the answer has been computed with them."""
    if not analysis.scenario.portfolio.enabled:
        st.caption("Off: the options are compared one against another. Turn it on to mix them.")
        return
    if analysis.mix_error is not None:
        st.warning(f"No mix: {state.shown(str(analysis.mix_error))}", icon=":material/block:")
        return
    mix = analysis.mix
    if mix is None:
        return
    for line in mix.words:
        st.markdown(f"- {line}")
    for words in cascade_words(analysis):
        st.caption(tables.escape_markdown(words))
    cols = st.columns(4)
    cols[0].metric("Mix, NPV of cost", usd(mix.npv_cost_usd), help="Over the horizon, one-time costs included")
    if mix.best_single_option is not None and mix.best_single_npv_cost_usd is not None:
        cols[1].metric(f"Best single: {mix.best_single_option}", usd(mix.best_single_npv_cost_usd),
                       help="The cheapest option every class may use alone, priced the same way")  # fmt: skip
    if mix.saving_usd is not None and mix.saving_share is not None:
        if round(mix.saving_usd) > 0:
            cols[2].metric("The mix saves", usd(mix.saving_usd), f"{mix.saving_share:.1%}", delta_color="off",
                           delta_arrow="off")  # fmt: skip
        else:  # no "$0 ↑ 0.0%": the mix is the best single option
            cols[2].metric("The mix saves", "nothing", help="The best mix here is the best single option alone")
    margin = f"{mix.min_saving_share:.0%}"
    cols[3].metric("Recommended", "yes" if mix.recommended else "no",
                   help=f"Only when it saves more than {margin} of the best single option's NPV (portfolio."
                   "min_saving_share): several options cost attention a spreadsheet does not see")  # fmt: skip
    worth = pd.DataFrame(
        [{"ingredient": INGREDIENT_WORDS[i].split(":")[0], "what it saves (NPV)": usd(v),
          "what it is": INGREDIENT_WORDS[i].split(": ", 1)[1]} for i, v in mix.ingredient_savings_usd.items()]
    )  # fmt: skip
    st.caption("What each ingredient is worth: the NPV the mix would cost more without it, the others kept.")
    tables.show_table(
        worth,
        {
            "ingredient": st.column_config.TextColumn(help="A kind of option the mix may use"),
            "what it saves (NPV)": st.column_config.TextColumn(
                help="How much more the best mix would cost, NPV over the horizon, if it could not use this "
                "ingredient (the others kept)"
            ),
            "what it is": st.column_config.TextColumn(help="The ingredient in words"),
        },
    )
    months = len(mix.monthly_cost_usd)
    month = st.slider("Month shown", 1, months, 1, key="mix.month") if months > 1 else 1
    left, right = st.columns(2)
    with left:
        charts.show(mix_charts.load_by_hour(mix, month), "mix-load-by-hour")
    with right:
        charts.show(mix_charts.cost_by_month(mix), "mix-cost-by-month")
    if mix.fleet:
        fleet = pd.DataFrame([{"option": f.option, "term": f.term, "GPUs, month 1": f"{f.gpus_by_month[0]:g}",
                               f"GPUs, month {months}": f"{f.gpus_by_month[-1]:g}",
                               "busy": f"{min(f.utilization_by_month):.0%}–{max(f.utilization_by_month):.0%}"}
                              for f in mix.fleet])  # fmt: skip
        tables.show_table(
            fleet,
            {
                "option": st.column_config.TextColumn(help="A self-hosted option the mix uses"),
                "term": st.column_config.TextColumn(
                    help="How its GPUs are paid: reserved for the term, on demand by the hour, or owned"
                ),
                "GPUs, month 1": st.column_config.TextColumn(help="GPUs it pays for in the first month"),
                f"GPUs, month {months}": st.column_config.TextColumn(help="GPUs it pays for in the last month"),
                "busy": st.column_config.TextColumn(
                    help="How busy its GPUs are, lowest and highest month (load ÷ capacity)"
                ),
            },
        )
    with st.expander("Does the mix hold when the inputs move?"):
        seconds = expected_seconds(mix.solver["seconds"], MIX_CASES)
        st.caption("Each input alone at each end of the Risk page's ranges; the mix and the best single option solved "
                   f"again ({MIX_CASES} cases, about {seconds:.0f} s).")  # fmt: skip
        # asked for once per scenario: an edit does not start ~12 solves again until the button is pressed
        checked = st.session_state.get("mix.checked") == analysis.key
        if st.button("Check the mix across the risk ranges", key="mix.check") or checked:
            st.session_state["mix.checked"] = analysis.key
            cases = state.mix_cases(analysis)
            st.markdown(robustness_text(cases))
            tables.show_table(pd.DataFrame([{"input": c.input, "at": c.value, "mix, NPV": usd(c.mix_npv_cost_usd),
                                             "best single": f"{c.best_single_option} {usd(c.best_single_npv_cost_usd)}",
                                             "the mix saves": usd(c.saving_usd),
                                             "still recommended": "yes" if c.still_recommended else "no"}
                                            for c in cases]),
                              ROBUSTNESS_HELP, budget_px=table_fit.EXPANDER_PX)  # fmt: skip
        drawn = st.session_state.get("mix.drawn") == analysis.key
        seconds = expected_seconds(mix.solver["seconds"], MIX_DRAWS)
        if st.button(f"Draw every input together ({MIX_DRAWS} draws, about {seconds:.0f} s)", key="mix.draw") \
                or drawn:  # fmt: skip
            st.session_state["mix.drawn"] = analysis.key
            st.markdown(draws_text(state.mix_draws(analysis)))
    st.download_button("The mix month by month (CSV)", mix_monthly_csv(mix), file_name="best-mix-monthly.csv",
                       mime="text/csv", icon=":material/table:")  # fmt: skip
    st.caption(" ".join(mix.notes) + f" Solved by {mix.solver['name']} ({mix.solver['status']}, "
               f"{mix.solver['seconds']:.2f} s).")  # fmt: skip
