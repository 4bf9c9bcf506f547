"""Compare: the workload, the SLO and the options on the left; the verdict and the ranked options on the right."""

import streamlit as st

from cli.report import ranked
from tco.verdict import verdict
from ui import charts, options_form, slo_form, state, tables, workload_form

data = state.data()
st.title("Self-host or API?")
st.caption(data.get("description") or "Change any input on the left; the answer on the right follows.")
inputs_col, results_col = st.columns([5, 6], gap="large")
with inputs_col:
    workload_tab, slo_tab, options_tab = st.tabs(["Workload", "SLO & capacity", "Options"])
    with workload_tab:
        workload_form.render(data)
    with slo_tab:
        slo_form.render(data)
        slo_form.render_capacity(data)
    with options_tab:
        options_form.render(data)

with results_col:
    analysis = state.analysis()
    if analysis is not None:
        result = analysis.result
        st.subheader(result.scenario)
        st.markdown(f"### {tables.escape_markdown(verdict(result))}")
        st.caption(
            f"SLO: {slo_form.summary(analysis.scenario.slo)}. Prices: {result.assumptions['price_data']}. "
            f"Peak-to-average {result.assumptions['peak_to_average']:g}."
        )
        st.dataframe(
            tables.options_frame(result), hide_index=True, width="stretch", column_config=tables.OPTION_COLUMNS
        )
        for err in result.option_errors:
            st.error(f"**{err.id}** cannot be computed: {tables.escape_markdown(err.error)}", icon=":material/error:")
        charts.show(charts.breakdown(result, ranked(result)), "cost-breakdown")
        tables.notes(result)
        tables.assumptions(result)
