"""Break-even & ROI: where the cost curves cross, when the switch pays back, NPV, cash vs P&L, API price cuts."""

import pandas as pd
import streamlit as st

from tco.decision.mix_verdict import uncounted_note
from tco.decision.verdict import decide, why_not
from tco.finance import reachable_utilization
from tco.finance.breakeven import cost_curves
from tco.finance.volume_ranges import ranges_text
from tco.records.amounts import usd, usd_saved
from tco.records.assumptions import Finance
from tco.records.results import recommendable
from tco.risk.report import headline_pair
from ui import charts, forms, pair_choice, state, tables

data = state.data()
st.title("Break-even & ROI")
with st.expander("Finance assumptions", expanded=False):
    forms.number_fields(
        data,
        "finance",
        Finance(),
        [
            forms.NumberField(
                "Discount rate (% a year)",
                "discount_rate_annual",
                percent=True,
                max_value=100,
                help=forms.default_help("discount_rate_annual"),
            ),
            forms.NumberField(
                "API price decline (% a year)",
                "api_price_decline_annual",
                percent=True,
                max_value=99,
                help="How fast API list prices fall each year; later months are priced lower.",
            ),
            forms.NumberField(
                "GPU price decline (% a year)",
                "gpu_price_decline_annual",
                percent=True,
                max_value=99,
                help="How fast GPU rents and server prices fall each year.",
            ),
            forms.NumberField(
                "Staff cost per FTE-month (USD)",
                "staff_usd_per_fte_month",
                help=forms.default_help("staff_usd_per_fte_month"),
                usd=True,
            ),
        ],
        columns=4,
    )
    finance = data.get("finance") if isinstance(data.get("finance"), dict) else {}
    per_fte = st.number_input(
        "GPUs per extra ops FTE (0 = staff does not grow with the fleet)",
        min_value=0.0,
        step=8.0,
        format="%g",  # "0", "16", "12.5": not "0.00"
        key=forms.seeded("finance.gpus_per_ops_fte", float(finance.get("gpus_per_ops_fte") or 0.0)),
        help=forms.default_help("gpus_per_ops_fte"),
    )
    if per_fte > 0 and finance.get("gpus_per_ops_fte") != per_fte:
        data["finance"] = {**finance, "gpus_per_ops_fte": forms.tidy(per_fte)}
    elif per_fte == 0 and "gpus_per_ops_fte" in finance:
        data["finance"] = {k: v for k, v in finance.items() if k != "gpus_per_ops_fte"}

analysis = state.analysis()
if analysis is None:
    raise state.PageEnd
result = analysis.result
if not result.break_even:
    st.info("Break-even needs at least one self-hosted option that meets the SLO and one API option (Compare page).")
    raise state.PageEnd
pairs = {(b.self_hosted, b.api): b for b in result.break_even}
compared = decide(result, pair_choice.chosen_pair()).pair  # the pair on Compare, when it is self-hosted against an API
headline = headline_pair(result)
default = (headline[0].id, headline[1].id) if headline else next(iter(pairs))
if compared is not None and (compared.self_hosted, compared.api) in pairs:
    default = (compared.self_hosted, compared.api)
# one pair for every page and the exports (`pair_choice.PAIR`): the box is set from it before it is drawn, and a choice
# here is kept there by the callback (a pair picked here was forgotten on leaving, and the exports ignored it)
st.session_state[forms.key("be.pair")] = default
chosen = st.selectbox(
    "Self-hosted option vs API",
    list(pairs),
    key=forms.key("be.pair"),
    format_func=lambda ids: f"{ids[0]} vs {ids[1]}",
    help="The pair compared on every page and in the exports: a choice here is Compare's and Risk's too",
    on_change=pair_choice.picked_sides,
    args=((forms.key("be.pair"),), (headline[0].id, headline[1].id) if headline else None),
)
if note := pair_choice.other_pair_note(result, chosen):
    st.caption(note)
pair = pairs[chosen]
hosted, api = result.option(pair.self_hosted), result.option(pair.api)
months = result.assumptions["months"]

if not recommendable(hosted):  # said before the figures, which count savings it cannot deliver yet
    st.warning(uncounted_note(hosted.id, why_not(hosted), analysis.mix))
cols = st.columns(4)
horizon = f"within the {len(months)}-month horizon; 'never' = not within it"
cols[0].metric(
    "NPV of savings",
    usd_saved(hosted.npv_cost_usd, api.npv_cost_usd),
    help="API NPV minus self-hosted NPV (P&L view); > 0 favours self-hosting",
)
owned = pair.terminal_value_usd is not None
if owned:  # servers are bought up front: the cash payback is the payback; the P&L one is labelled beside it
    cols[1].metric(
        "Cash payback",
        f"month {pair.cash_payback_month}" if pair.cash_payback_month else "never",
        help=f"Servers paid when bought; {horizon}. P&L payback (capital charged monthly): "
        + (f"month {pair.payback_month}" if pair.payback_month else "never"),
    )
else:
    cols[1].metric("Payback", f"month {pair.payback_month}" if pair.payback_month else "never", help=horizon)
cols[2].metric(
    "Discounted cash payback" if owned else "Discounted payback",
    f"month {pair.discounted_payback_month}" if pair.discounted_payback_month else "never",
    help=("The cash payback with each month's savings discounted: never before it; " if owned else "") + horizon,
)
scaled = getattr(next((o for o in analysis.scenario.options if o.id == hosted.id), None), "autoscale", False)
planning = result.assumptions["capacity"]["planning_utilization"]
reachable = reachable_utilization(planning, result.assumptions["peak_to_average"], scaled)
needed = pair.break_even_utilization
cols[3].metric(
    "Break-even utilisation",
    # above 100 % it is not a use a fleet can have (a reviewer read "661%"): the figure moves into the help
    ("n/a" if needed is None else f"{needed:.0%}" if needed <= 1 else "over 100%"),
    # the pill says what it means (a reviewer read "176% — above full use" as jargon) and why, in sight: "48%" beside
    # "no volume breaks even" read as a contradiction, the fleet's 28 % only in the help (another reviewer); at most
    # ~30 characters fit the pill at 1280 px
    delta=f"never: fleet at most {reachable:.0%} busy" if needed and needed > reachable else None,
    delta_color="off",
    delta_arrow="off",
    help="Share of the fleet's SLO capacity in use at which the fleet costs what the API would for the tokens it "
    "serves, the API's platform staff included (the break-even volumes' basis). This fleet is at most "
    f"{reachable:.0%} busy on average (planning utilisation {planning:.0%} at the peak"
    + (", scaled hour by hour)" if scaled else
       f", peak-to-average {result.assumptions['peak_to_average']:.3g})")
    + "; above that, no volume makes self-hosting as cheap"
    + (f". Here it would take {needed:.0%} of the fleet's capacity: more than it can serve" if needed and needed > 1
       else ""),
)  # fmt: skip
cols = st.columns(4)
returns_help = f" Not shown: {pair.returns_note}." if pair.returns_note else ""
cols[0].metric(
    "IRR (a year)",
    f"{pair.irr:.1%}" if pair.irr is not None else "n/a",
    help="Internal rate of return of [−upfront, monthly savings…] (numpy-financial), compounded to a year; "
    "cash view for owned hardware, the terminal value at the horizon included." + returns_help,
)
cols[1].metric(
    "ROI",
    f"{pair.roi:.0%}" if pair.roi is not None else "n/a",
    help="Net savings over the horizon (undiscounted; servers bought later included) / the month-0 outlay"
    + (
        f", the terminal value at the horizon counted as a saving in its last month; without it, "
        f"{pair.roi_without_terminal_value:.0%}."
        if pair.roi_without_terminal_value is not None
        else "."
    )
    + returns_help,
)
cols[2].metric(
    "Terminal value",
    usd(pair.terminal_value_usd) if pair.terminal_value_usd else ("n/a" if hosted.ownership != "owned" else "$0"),
    help="Owned: the servers' economic value at the horizon (present value of their remaining capital charges and "
    "residual: the P&L's own assumption, so the cash and P&L NPVs agree); never counted in cash payback",
)
if pair.returns_note:
    st.caption(f"IRR and ROI: n/a, {pair.returns_note}.")

st.markdown(
    "**In month 1**, at first-month prices: "
    + ranges_text(pair.month_one_ranges, hosted.id, api.id)
    + f".  \n**Over the {len(months)}-month horizon** (NPV of savings by first-month volume, with the scenario's "
    "growth, price declines and commitments): " + ranges_text(pair.horizon_ranges, hosted.id, api.id) + "."
)

feasible = [s.model for s in analysis.setups if s.feasible]
grid, costs = cost_curves(analysis.scenario, feasible)
kinds = {o.id: o.kind for o in result.options}
current = result.assumptions["requests_per_month_first"]
ids = [m.id for m in feasible]
charts.show(charts.cost_vs_volume(grid, costs, ids, kinds, pair, current), "cost-vs-volume")
colours = charts.option_colours(ids)  # each option the colour it has in the chart above
# owned: these are P&L figures, the cash view is the chart below (a reviewer read them as cash)
title = "Cumulative cost and savings, undiscounted" + (" (P&L: capital charged monthly)" if owned else "")
charts.show(
    charts.cumulative(months, hosted, api, pair.cumulative_savings_usd, pair.payback_month, title, colours),
    "cumulative-savings",
)

if hosted.cash_flow_usd is not None:
    st.subheader("Cash view vs P&L (owned hardware)")
    st.caption(
        "P&L spreads the servers' capital over their life (capital recovery at the discount rate, residual value "
        "deducted); cash pays for them when bought and replaced, their economic value at the horizon reported apart; "
        "accounting charges straight-line depreciation, (price − residual) / life, with no cost of capital."
    )
    if hosted.npv_cash_usd is not None and abs(hosted.npv_cost_usd - hosted.npv_cash_usd) < 0.5:
        st.caption(
            "The two NPVs agree by construction: the monthly capital charge is the annuity that repays the servers' "
            "price at the discount rate, and the terminal value returns what is not yet charged at the horizon. "
            "They differ in when the money goes out, so in payback, not in total."
        )
    cols = st.columns(3)
    cols[0].metric("NPV of cost, P&L", usd(hosted.npv_cost_usd))
    cols[1].metric("NPV of cost, cash", usd(hosted.npv_cash_usd or 0.0))
    cols[2].metric(
        "P&L payback",
        f"month {pair.payback_month}" if pair.payback_month else "never",
        help="Capital charged monthly (the annuity), not paid up front: beside the cash payback above",
    )
    charts.show(charts.cash_vs_pnl(months, hosted), "cash-vs-pnl")

st.subheader("If API prices keep falling")
cases = state.decline_cases(analysis, hosted.id, api.id)
own_rate = analysis.scenario.finance.api_price_decline_annual
decline_frame = pd.DataFrame(
    {
        # the scenario's own rate marked in its cell: a "case" column blank but in one row read as missing data
        "API price decline a year": [
            f"{c.api_price_decline_annual:.0%}" + (" (this scenario)" if c.api_price_decline_annual == own_rate else "")
            for c in cases
        ],
        # the difference of the two NPVs shown to its right, each rounded first (as every saving on every page)
        "NPV of savings": [usd_saved(c.self_hosted_npv_cost_usd, c.api_npv_cost_usd) for c in cases],
        "payback" + (" (cash)" if owned else ""): [
            f"month {c.payback_month}" if c.payback_month else "never" for c in cases
        ],
        # short headers, the options named in their help: "qwen3-235b-fireworks, NPV of cost" was cut at 1280 px
        "NPV of cost, API": [usd(c.api_npv_cost_usd) for c in cases],
        "NPV of cost, self-hosted": [usd(c.self_hosted_npv_cost_usd) for c in cases],
    }
)
if owned and any(c.npv_savings_usd > 0 and not c.payback_month for c in cases):
    st.caption(
        f"A row that saves (NPV above zero) yet never pays back its cash: the NPV counts the servers' value at the "
        f"horizon (terminal value {usd(pair.terminal_value_usd or 0.0)}), which cash payback never counts; within "
        f"{len(months)} months the savings do not add up to the cash paid for the servers."
    )
npv_help = "cost over the horizon in today's dollars, one-time costs included (as on Compare)"
tables.show_table(
    decline_frame,
    {
        "API price decline a year": st.column_config.TextColumn(
            help="How much cheaper the API gets each year, on every API option's prices; the rest unchanged. "
            '"(this scenario)": the scenario\'s own rate'
        ),
        "NPV of savings": st.column_config.TextColumn(
            help=f"{api.id}'s NPV of cost minus {hosted.id}'s (the two columns to the right): above zero, "
            "self-hosting saves"
        ),
        decline_frame.columns[3]: st.column_config.TextColumn(
            help="The month the savings add up to what self-hosting cost first"
            + (" (cash: the servers paid when bought)" if owned else "")
            + f"; never: not within the {len(months)}-month horizon"
        ),
        "NPV of cost, API": st.column_config.TextColumn(help=f"{api.id}'s {npv_help}"),
        "NPV of cost, self-hosted": st.column_config.TextColumn(help=f"{hosted.id}'s {npv_help}"),
    },
)
