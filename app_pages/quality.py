"""Quality: cost against quality, the Pareto frontier, a good-enough bar, your own eval scores, cost-of-pass."""

import pandas as pd
import streamlit as st

from tco.quality import pareto_front
from ui import charts, forms, loaders, state

data = state.data()
st.title("Quality")
metrics = sorted({q.metric for card in loaders.catalogues().models.models for q in card.quality})
quality = data.get("quality", {})
cols = st.columns(2)
metric = cols[0].selectbox(
    "Benchmark", metrics, key=forms.seeded("quality.metric", quality.get("metric", "gpqa_diamond"))
)
if metric != quality.get("metric", "gpqa_diamond"):
    quality["metric"] = metric
gate = cols[1].number_input(
    "Good enough at (blank = no gate)",
    value=None,
    min_value=0.0,
    max_value=100.0,
    key=forms.seeded("quality.min_score", quality.get("min_score")),
    help="Options below it rank after the ones above it, whatever they cost.",
)
if gate is None:
    quality.pop("min_score", None)
else:
    quality["min_score"] = forms.tidy(gate)
if quality:
    data["quality"] = quality

st.caption(
    "Your own eval scores replace the catalogue's (vendor-reported) ones; a success rate turns $/request into "
    "cost-of-pass, the expected cost of one successful request."
)
options = data.get("options", [])
edited = forms.table_editor(
    "quality.table",
    lambda: pd.DataFrame(
        {
            "option": [o["id"] for o in options],
            "your score": pd.to_numeric(pd.Series([o.get("quality_score") for o in options], dtype=object)),
            "success rate": pd.to_numeric(pd.Series([o.get("success_rate") for o in options], dtype=object)),
        }
    ).astype({"your score": float, "success rate": float}),
    disabled=["option"],
    column_config={"success rate": st.column_config.NumberColumn(min_value=0.01, max_value=1.0, format="%.2f")},
)
by_id = {o["id"]: o for o in options}
for row in edited.to_dict("records"):
    option = by_id.get(row["option"])
    if option is None:
        continue
    for column, field in (("your score", "quality_score"), ("success rate", "success_rate")):
        if pd.isna(row[column]):
            option.pop(field, None)
        else:
            option[field] = forms.tidy(float(row[column]))

analysis = state.analysis()
if analysis is None:
    st.stop()
result = analysis.result
front = pareto_front([o.usd_per_mtok for o in result.options], [o.quality_score for o in result.options])
charts.show(
    charts.quality_scatter(result.options, front, analysis.scenario.quality.min_score, metric), "cost-vs-quality"
)
st.dataframe(
    pd.DataFrame(
        [
            {
                "option": o.id,
                "score": o.quality_score,
                "score source": o.quality_source,
                "good enough": o.quality_ok,
                "on the frontier": i in front,
                "$/Mtok": o.usd_per_mtok,
                "$/request": o.usd_per_request,
                "cost of pass": o.cost_of_pass_usd,
            }
            for i, o in enumerate(result.options)
        ]
    ),
    hide_index=True,
    width="stretch",
    column_config={
        "$/Mtok": st.column_config.NumberColumn(format="$%.3f"),
        "$/request": st.column_config.NumberColumn(format="$%.5f"),
        "cost of pass": st.column_config.NumberColumn(format="$%.5f"),
    },
)
unscored = [o.id for o in result.options if o.quality_score is None]
if unscored:
    st.caption(f"Not on the chart (no {metric} score): {', '.join(unscored)}. Type your own score above.")
