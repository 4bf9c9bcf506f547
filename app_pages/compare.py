"""Compare: pick or upload a scenario, see the verdict, the ranked options and the cost breakdown."""

import plotly.express as px
import streamlit as st

from cli.report import as_csv
from datafiles import InputError
from tco import evaluate
from tco.verdict import verdict
from ui import loaders, tables

st.title("Self-host or API?")
bundled = loaders.bundled_scenarios()
names = [*bundled, "Upload my own…"]
choice = st.selectbox("Scenario", names, index=names.index(loaders.DEFAULT_SCENARIO))
upload = st.file_uploader("Scenario YAML", type=["yaml", "yml"]) if choice == "Upload my own…" else None

try:
    if upload is not None:
        scenario = loaders.scenario_from_bytes(upload.getvalue(), upload.name)
        inputs = loaders.resolve(scenario, upload.name, loaders.SCENARIO_DIR)
    elif choice in bundled:
        path = bundled[choice]
        scenario = loaders.scenario_from_bytes(path.read_bytes(), path.name)
        inputs = loaders.resolve(scenario, path.name, path.parent)
    else:
        st.info("Upload a scenario file (see scenarios/ for examples).")
        st.stop()
    with st.spinner("Computing…"):
        result = evaluate(inputs)
except InputError as err:
    st.error(str(err))
    st.stop()

st.subheader(result.scenario)
headline = verdict(result).replace("$", r"\$")  # "$" would start LaTeX in markdown
st.markdown(f"**{headline}**")
st.dataframe(tables.options_frame(result), hide_index=True, width="stretch", column_config=tables.OPTION_COLUMNS)
chart = px.bar(
    tables.breakdown_frame(result), x="option", y="usd", color="component", title="Cost breakdown, first month (USD)"
)
st.plotly_chart(chart, width="stretch")
st.download_button("Download results (CSV)", as_csv(result), file_name="results.csv", mime="text/csv")
with st.expander("Notes and sources"):
    st.caption(f"Prices: {result.assumptions['price_data']}")
    for option in result.options:
        for note in option.notes:
            st.write(f"- **{option.id}**: {note}")
