"""Risk: which inputs move the answer most (tornado), and the odds across all of them at once (Monte Carlo)."""

import streamlit as st

from tco.decision.mix_verdict import uncounted_note
from tco.decision.verdict import FULL_FLEET, why_not
from tco.records.amounts import chance, usd, usd_saved
from tco.records.assumptions import Uncertainty
from tco.records.results import recommendable
from tco.risk import risk_pair
from tco.risk.throughput_spread import spread_method, throughput_range_words
from ui import charts, forms, pair_choice, state, tables

HOSTED, API = "risk.hosted", "risk.api"
"""The Risk page's pair boxes."""

data = state.data()
st.title("Risk")
with st.expander("Uncertainty ranges (tornado and Monte Carlo)", expanded=False):
    st.caption(
        "One set of ranges: the tornado swings each input to the ends of its range (±2 sd for throughput and "
        "growth), the Monte Carlo draws all of them together from the same ranges."
    )
    forms.number_fields(
        data,
        "uncertainty",
        Uncertainty(),
        [
            forms.NumberField(
                "Samples",
                "samples",
                max_value=200_000,
                count=True,
                help="How many futures the Monte Carlo draws; more is steadier and slower",
            ),
            forms.NumberField(
                "Seed", "seed", help="Fixes the random draws, so the same inputs give the same chart every time"
            ),
            forms.NumberField(
                "Throughput sd, measured (%)",
                "throughput_rel_sd",
                percent=True,
                max_value=100,
                help="How far the real throughput may sit from the profile's figure: one standard "
                "deviation, as a share, for a measured profile (estimates get a wider spread)",
            ),
            forms.NumberField(
                "GPU price ± (%)",
                "gpu_price_rel_range",
                percent=True,
                max_value=99,
                help="The rent of a rented GPU; the price of an owned server (its capital charge and maintenance)",
            ),
            forms.NumberField(
                "Energy price ± (%)",
                "energy_price_rel_range",
                percent=True,
                max_value=99,
                help="Electricity for owned servers; default ±20 % (US industrial power moved ~16 % in 2021-22, EIA)",
            ),
            forms.NumberField(
                "API price ± (%)",
                "api_price_rel_range",
                percent=True,
                max_value=99,
                help="How far API prices may move from today's list prices, either way",
            ),
            forms.NumberField(
                "Peak-to-average ± (%)",
                "peak_rel_range",
                percent=True,
                max_value=99,
                help="How far the busiest hour may sit from the workload's peak-to-average, either "
                "way: a higher peak needs more GPUs",
            ),
            forms.NumberField(
                "Monthly growth sd (points)",
                "growth_sd",
                percent=True,
                max_value=100,
                help="How far the monthly growth may sit from the scenario's: one standard "
                "deviation, in percentage points (5 % ± 2 points: 3–7 % a month)",
            ),
            forms.NumberField(
                "API price decline ± (points a year)",
                "api_decline_range",
                percent=True,
                max_value=99,
                help="Around the scenario's own rate; below zero the API's prices rise",
            ),
            forms.NumberField(
                "Staff and platform ± (%)",
                "staff_rel_range",
                percent=True,
                max_value=99,
                help="How far the staff and platform costs may move, either way",
            ),
            forms.NumberField(
                "One-time costs ± (%)",
                "one_time_rel_range",
                percent=True,
                max_value=99,
                help="Implementation, a distillation project and each re-distillation",
            ),
            forms.NumberField(
                "Planning utilisation ± (points)",
                "planning_utilization_range",
                percent=True,
                max_value=99,
                help="Tornado only: how hard you run the fleet is a choice, not drawn by the Monte Carlo",
            ),
        ],
        columns=4,
    )

analysis = state.analysis()
if analysis is None:
    raise state.PageEnd
result = analysis.result
hosted_ids = [o.id for o in result.options if o.kind == "self_hosted" and o.replicas_first_month is not None]
api_ids = [o.id for o in result.options if o.kind == "api"]
compared = pair_choice.compared_ids(result)  # the pair on Compare, when it is self-hosted against an API
report = None
if hosted_ids and api_ids:
    # default: the pair compared on Compare when it is self-hosted against an API, else the best of each
    default_hosted, default_api = risk_pair(result, compared) or (hosted_ids[0], api_ids[0])
    # one pair for every page and the exports (`pair_choice.PAIR`): the boxes are set from it before they are drawn,
    # and a choice here is kept there by their callback (the workbook's risk sheets followed Compare's pair instead)
    st.session_state[HOSTED], st.session_state[API] = default_hosted, default_api
    headline = risk_pair(result, None)
    keep = {"on_change": pair_choice.picked_sides, "args": ((HOSTED, API), headline)}
    left, right = st.columns(2)
    hosted = left.selectbox(
        "Self-hosted option",
        hosted_ids,
        key=HOSTED,
        help="The pair compared on every page and in the exports: a choice here is Compare's and Break-even's too",
        **keep,
    )
    api = right.selectbox(
        "Against the API",
        api_ids,
        key=API,
        help="The pair compared on every page and in the exports: a choice here is Compare's and Break-even's too",
        **keep,
    )
    if note := pair_choice.other_pair_note(result, (hosted, api)):
        st.caption(note)
    report = state.risk(analysis, (hosted, api))
if report is None:
    st.info("Risk compares the best self-hosted option that meets the SLO with the best API: add both on Compare.")
    raise state.PageEnd
p10, p50, p90 = report.savings_npv_p10_p50_p90_usd
risky = result.option(report.self_hosted)
fill = risky.peak_fill_first_month
# why the median sits off the base: the ranges are symmetric (their footnote says so), so the cost's own steps
# and bends move it; "a range that reaches further one way" read as a contradiction of that footnote (a reviewer)
off_base = (
    f"Every range is symmetric around the input as set; the median (P50) moves off the base where the cost does "
    f"not follow the inputs evenly: here {risky.id}'s peak uses {fill:.0%} of its replicas' planned capacity, so "
    "a little more traffic or a little less throughput adds a whole replica."
    if fill is not None and fill >= FULL_FLEET
    else "Every range is symmetric around the input as set; the median (P50) moves off the base where the cost "
    "does not follow the inputs evenly (whole replicas, a price that compounds over the horizon)."
)
# as Break-even writes it: the difference of the two NPVs of cost shown in whole dollars (`usd_saved`)
base = usd_saved(result.option(report.self_hosted).npv_cost_usd, result.option(report.api).npv_cost_usd)
st.markdown(  # the sign kept with its amount: "NPV of savings −" ended a line at 1400 px, "$1,402,747" began the next
    tables.sign_kept(
        f"**{report.self_hosted}** against **{report.api}**, {report.samples:,} samples, seed {report.seed}. "
        "Base case, "
        # Break-even's figure, not "Compare's": where a mix leads, Compare's saving is the mix's (a reviewer)
        f"the inputs as set (this pair's figure on Break-even): NPV of savings **{base}**. "
        f"The draws below move the uncertain inputs around it. {off_base}"
    )
)
if not recommendable(risky):  # as on Break-even: said before figures that count savings it cannot deliver yet
    st.warning(uncounted_note(risky.id, why_not(risky), analysis.mix, "the chances and savings below"))
other = result.option(report.api)
if not recommendable(other):  # the API side too (owned-fleet: every API fails the gate; a reviewer saw no word)
    st.warning(f"{other.id} is not recommended itself ({why_not(other)}): the chances and savings below compare "
               "with an option you would not pick.")  # fmt: skip
cols = st.columns(4)
draws = f"of the {report.samples:,} random draws of the uncertain inputs (the ranges above)"
cols[0].metric(
    "P(self-hosting cheaper)",
    chance(report.p_self_host_cheaper),
    help=f"The share {draws} in which {report.self_hosted} costs less than {report.api} over the horizon (NPV)",
)
cols[1].metric(
    "NPV of savings, P10",
    usd(p10),
    help=f"Savings of {report.self_hosted} against {report.api} in today's dollars: 10 % {draws} save less than "
    "this (a pessimistic case; negative = self-hosting costs more)",
)
cols[2].metric("P50", usd(p50), help=f"The median: half {draws} save less than this, half more")
cols[3].metric("P90", usd(p90), help=f"90 % {draws} save less than this (an optimistic case)")
tornado_tab, draws_tab = st.tabs(["What moves the answer", "Monte Carlo"], key="risk_tabs", on_change="rerun")
if tornado_tab.open:  # one tab's charts drawn at a time: an edit reruns only what is looked at
    with tornado_tab:
        charts.show(charts.tornado(report.tornado), "tornado")
        capacity = risky.capacity or {}
        method = spread_method(capacity.get("method") or "", capacity.get("basis") or "")
        if method:  # the stated error and the swing the tornado draws for it, one from the other
            sd = analysis.scenario.uncertainty.throughput_rel_sd
            sides = capacity.get("expected_error_sides") or {}
            st.caption(
                throughput_range_words(risky.id, method, (sides["below"], sides["above"]) if sides else None, sd)
            )
if draws_tab.open:
    with draws_tab:
        left, right = st.columns(2)
        with left:
            months = analysis.result.assumptions["months"]
            setup = next((s for s in analysis.setups if s.model.id == report.self_hosted), None)
            term = setup.model.commitment_months if setup is not None else 0
            fan = charts.fan(months, report.monte_carlo, [report.self_hosted, report.api], term)
            charts.show(fan, "monte-carlo-fan")
        with right:
            savings = report.monte_carlo.savings_npv(report.self_hosted, report.api)
            charts.show(charts.histogram(savings, report.savings_npv_p10_p50_p90_usd), "savings-histogram")
st.caption(
    "Tornado: each input alone at the ends of its range (the values beside the bars; one label carries both ends "
    "when they move the same way), the others at base; GPU price "
    "moves only the rent or the server price, energy price only the energy. Monte Carlo: the same ranges, all "
    "inputs drawn together, each symmetric around the base case (throughput log-normal, wider for published, "
    "modelled and estimated capacity; prices, peak, staff and one-time costs triangular; growth normal; API price "
    "decline the base rate ± its range, so prices may rise); the fleet is re-sized in every draw, a reserved term's "
    "or owned servers' fleet grows when it must and shrinks only where the term renews (the dotted line: the bands "
    "may step there). The seed is saved "
    "with the scenario, so a shared link reproduces these bands. The JSON result lists every range under "
    "assumptions.uncertainty and each tornado bar's low and high."
)
