"""Quality: every score with who measured it, the good-enough gate, your own evals, tokens and cost per task."""

import pandas as pd
import streamlit as st

from datafiles import InputError
from models.quality import BENCHMARKS
from tco.decision.quality import pareto_front
from ui import charts, forms, loaders, state

data = state.data()
st.title("Quality")
st.caption(
    "Is the open model good enough for your task? Each score below says who measured it: the vendor about "
    "its own model (first party), someone else (third party: a leaderboard, or a vendor's comparison table "
    "about a competitor), or your own eval. The gate is decided by your own eval first, then a third party, "
    "then the vendor."
)
benchmarks = sorted(
    {q.benchmark for card in loaders.catalogues().models.models for q in card.quality} | {"gpqa_diamond"}
)
quality = data.get("quality", {})
current = quality.get("benchmark", "gpqa_diamond")
cols = st.columns(3)
benchmark = cols[0].selectbox(
    "Benchmark", benchmarks, index=benchmarks.index(current) if current in benchmarks else 0,
    format_func=lambda b: BENCHMARKS.get(b, (b, ""))[0], key=forms.seeded("quality.benchmark", current),
)  # fmt: skip
if benchmark != "gpqa_diamond" or "benchmark" in quality:
    quality["benchmark"] = benchmark
gate = cols[1].number_input(
    "Good enough at (score, blank = none)", value=None, min_value=0.0, max_value=100.0,
    key=forms.seeded("quality.min_score", quality.get("min_score")),
    help="Options below it, or without a score on this benchmark, are not recommended.",
)  # fmt: skip
rate_gate = cols[2].number_input(
    "…and success rate at least (blank = none)", value=None, min_value=0.01, max_value=1.0,
    key=forms.seeded("quality.min_success_rate", quality.get("min_success_rate")),
)  # fmt: skip
for field, value in (("min_score", gate), ("min_success_rate", rate_gate)):
    if value is None:
        quality.pop(field, None)
    else:
        quality[field] = forms.tidy(value)
if quality:
    data["quality"] = quality

options = data.get("options", [])
st.subheader("Your own evals")
with st.form("quality.eval_form"):
    upload = st.file_uploader(
        "Eval result: lm-eval results_*.json, Inspect .eval/.json, promptfoo -o JSON, OpenAI evals log, "
        "DeepEval .latest_test_run.json, or `inference-roi eval run` records",
        type=["json", "jsonl", "eval"], key="quality.upload",
    )  # fmt: skip
    target = st.selectbox("Apply to option", [o["id"] for o in options], key="quality.target")
    submitted = st.form_submit_button("Import")
if submitted and upload is not None:
    try:
        rows = loaders.evals_from_upload(upload.getvalue(), upload.name)
    except InputError as err:
        st.error(f"{upload.name} was not imported: {err}", icon=":material/error:")
    else:
        st.session_state["quality.imported"] = [r.as_json() for r in rows]
        state.add_eval(upload.name, rows)  # a scenario (or a link) may now name it: `eval: {file: <name>}`
        row = rows[0]
        option = next(o for o in options if o["id"] == target)
        option["success_rate"] = forms.tidy(row.success_rate)
        if row.n:
            option["success_n"] = row.n
        if row.output_tokens_per_task and "output_tokens_multiplier" not in option:
            option["output_tokens"] = forms.tidy(max(row.output_tokens_per_task, 1.0))
        st.success(f"{target}: success rate {row.success_rate:.1%} over {row.n or '?'} tasks from {upload.name} "
                   f"({row.model}, {row.task}; {len(rows)} row(s) in the file, the first applied)")  # fmt: skip
if st.session_state.get("quality.imported"):
    st.dataframe(pd.DataFrame(st.session_state["quality.imported"]), hide_index=True, width="stretch")

edited = forms.table_editor(
    "quality.table",
    lambda: pd.DataFrame(
        {
            "option": [o["id"] for o in options],
            "success rate": pd.to_numeric(pd.Series([o.get("success_rate") for o in options], dtype=object)),
            "tasks (n)": pd.to_numeric(pd.Series([o.get("success_n") for o in options], dtype=object)),
            "output tokens": pd.to_numeric(pd.Series([o.get("output_tokens") for o in options], dtype=object)),
        }
    ).astype({"success rate": float, "tasks (n)": float, "output tokens": float}),
    disabled=["option"],
    column_config={
        "success rate": st.column_config.NumberColumn(min_value=0.01, max_value=1.0, format="%.2f"),
        "tasks (n)": st.column_config.NumberColumn(min_value=1, step=1, format="%d"),
        "output tokens": st.column_config.NumberColumn(
            min_value=1, help="This option's own mean output tokens per request, reasoning included"
        ),
    },
)
by_id = {o["id"]: o for o in options}
for row in edited.to_dict("records"):
    option = by_id.get(row["option"])
    if option is None:
        continue
    for column, field, cast in (("success rate", "success_rate", float), ("tasks (n)", "success_n", int),
                                ("output tokens", "output_tokens", float)):  # fmt: skip
        if pd.isna(row[column]):
            option.pop(field, None)
        else:
            option[field] = forms.tidy(cast(row[column]))

analysis = state.analysis()
if analysis is None:
    st.stop()
result = analysis.result
front = pareto_front([o.usd_per_request for o in result.options], [o.quality_score for o in result.options])
charts.show(charts.quality_scatter(result.options, front, analysis.scenario.quality.min_score, benchmark),
            "cost-vs-quality")  # fmt: skip
st.dataframe(
    pd.DataFrame(
        [
            {
                "option": o.id,
                "score": o.quality_score,
                "decided by": o.quality_source,
                "gate": o.quality_gate or "no gate",
                "$/task": o.usd_per_request,
                "output tokens/task": o.output_tokens_per_request,
                "success rate": o.success_rate,
                "cost of pass": o.cost_of_pass_usd,
                "cost of pass, 95% CI": (
                    f"${o.cost_of_pass_ci_usd[0]:.5f}–"
                    + (f"${o.cost_of_pass_ci_usd[1]:.5f}" if o.cost_of_pass_ci_usd[1] is not None else "∞")
                    if o.cost_of_pass_ci_usd
                    else None
                ),
                "on the frontier": i in front,
            }
            for i, o in enumerate(result.options)
        ]
    ),
    hide_index=True,
    width="stretch",
    column_config={
        "$/task": st.column_config.NumberColumn(format="$%.5f"),
        "cost of pass": st.column_config.NumberColumn(format="$%.5f"),
        "success rate": st.column_config.NumberColumn(format="%.2f"),
        "output tokens/task": st.column_config.NumberColumn(format="%.0f"),
    },
)
st.subheader("Every score, with who measured it")
records = [
    {"option": o.id, "benchmark": BENCHMARKS.get(r["benchmark"], (r["benchmark"], ""))[0],
     "category": BENCHMARKS.get(r["benchmark"], ("", "other"))[1], "score": r["score"], "mode": r["mode"],
     "party": r["party"].replace("_", " "), "measured by": r["measured_by"], "source": r["source"],
     "as of": r["as_of"], "url": r["url"], "note": r["note"]}
    for o in result.options for r in o.quality_records
]  # fmt: skip
if records:
    st.dataframe(pd.DataFrame(records), hide_index=True, width="stretch",
                 column_config={"url": st.column_config.LinkColumn()})  # fmt: skip
unscored = [o.id for o in result.options if o.quality_score is None]
if unscored:
    st.caption(f"Not on the chart (no {benchmark} score): {', '.join(unscored)}. Import or run your own eval above.")
