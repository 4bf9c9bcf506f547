"""Quality: every score with who measured it, the good-enough gate, your own evals, tokens and cost per task."""

import math

import pandas as pd
import streamlit as st

from models.quality import BENCHMARKS, MODE_WORDS, who_label
from tco.decision.quality import pareto_front
from tco.records.amounts import TASK_DIGITS, usd_per_task
from tco.records.benchmarks import benchmark_name
from ui import charts, eval_import, forms, loaders, state, tables

data = state.data()
st.title("Quality")
st.caption(
    "Is the open model good enough for your task? Each score below says who measured it: the vendor about "
    "its own model (first party, also when another vendor's table reprints it: 'reported by'), someone else "
    "(third party: an independent lab, or a rival vendor's table that does not say who ran it), or your own eval. "
    "The benchmark score that decides the gate is your own measurement of it first, then a third party's, then the "
    "vendor's; a record whose figure we could not find in its source is shown as unverified and decides nothing. "
    "Your own task eval (below) gates only through 'success rate at least'; left blank, it prices the cost of a "
    "pass and decides nothing."
)
benchmarks = sorted(
    {q.benchmark for card in loaders.catalogues().models.models for q in card.quality} | {"gpqa_diamond"}
)
quality = data.get("quality", {})
current = quality.get("benchmark", "gpqa_diamond")
cols = st.columns(3)
benchmark = cols[0].selectbox(  # its first value comes only through Session State (no index=: no warning)
    "Benchmark", benchmarks, format_func=lambda b: BENCHMARKS.get(b, (b, ""))[0],
    key=forms.seeded("quality.benchmark", current if current in benchmarks else benchmarks[0], benchmarks),
)  # fmt: skip
if benchmark != "gpqa_diamond" or "benchmark" in quality:
    quality["benchmark"] = benchmark
gate = cols[1].number_input(
    "Good enough at (score, blank = none)", value=None, min_value=0.0, max_value=100.0, format="%g",
    key=forms.seeded("quality.min_score", quality.get("min_score")),
    help="Options below it, or without a score on this benchmark, are not recommended.",
)  # fmt: skip
# success rates in percent on this page, as the messages write them (the page showed 75.0%, 0.750 and 0.75 for one
# rate, a reviewer); the scenario keeps shares
seeded_rate = quality.get("min_success_rate")
rate_gate = cols[2].number_input(
    "…and success rate at least (%, blank = none)", value=None, min_value=1.0, max_value=100.0, format="%g",
    key=forms.seeded("quality.min_success_pct", None if seeded_rate is None else round(100 * seeded_rate, 9)),
)  # fmt: skip
rate_gate = None if rate_gate is None else round(rate_gate / 100, 9)
for field, value in (("min_score", gate), ("min_success_rate", rate_gate)):
    if value is None:
        quality.pop(field, None)
    else:
        quality[field] = forms.tidy(value)
if quality:
    data["quality"] = quality
gate_note = st.empty()  # the request classes' own gates, written once the engine has read them (below)

options = data.get("options", [])
st.subheader("Your own evals")
eval_import.section(options)

edited = forms.table_editor(
    eval_import.table_name(),
    lambda: pd.DataFrame(
        {
            "option": [o["id"] for o in options],
            "success rate (%)": 100 * pd.to_numeric(pd.Series([o.get("success_rate") for o in options], dtype=object)),
            "tasks (n)": pd.to_numeric(pd.Series([o.get("success_n") for o in options], dtype=object)),
            "output tokens": pd.to_numeric(pd.Series([o.get("output_tokens") for o in options], dtype=object)),
        }
    ).astype({"success rate (%)": float, "tasks (n)": float, "output tokens": float}),
    disabled=["option"],
    column_config={
        "success rate (%)": st.column_config.NumberColumn(
            min_value=0.0, max_value=100.0, format="%g", help="Percent of your own eval's tasks it passed (0–100)"
        ),
        "tasks (n)": st.column_config.NumberColumn(
            min_value=1, step=1, format="%d", help="How many tasks the eval ran: it sets the 95 % interval below"
        ),
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
    for column, field, cast in (("success rate (%)", "success_rate", lambda pct: round(float(pct) / 100, 9)),
                                ("tasks (n)", "success_n", int),
                                ("output tokens", "output_tokens", float)):  # fmt: skip
        value = None if pd.isna(row[column]) else forms.tidy(cast(row[column]))
        if field == "output_tokens" and value != option.get(field):
            option.pop("output_tokens_basis", None)  # typed over: no longer what an eval measured
        if value is None:
            option.pop(field, None)
        else:
            option[field] = value

analysis = state.analysis()
if analysis is None:
    raise state.PageEnd
result = analysis.result
front = pareto_front([o.usd_per_request for o in result.options], [o.quality_score for o in result.options])
charts.show(charts.quality_scatter(result.options, front, analysis.scenario.quality.min_score, benchmark),
            "cost-vs-quality")  # fmt: skip
class_gates = "; ".join(
    f"{name}: {benchmark_name(gate['benchmark'])} ≥ {gate['min_score']:g}"
    for name, gate in (result.assumptions.get("class_quality_gates") or {}).items()
    if gate.get("min_score") is not None
)
if class_gates:  # said where the gate is set: they judge as well
    gate_note.caption(
        f"Request classes set their own gates too (Compare, Workload): {class_gates}. An option below any of them "
        "is 'below' in the gate column."
    )
gate_help = "Whether it passes the quality gate set above: passes, below it, or no score to judge by" + (
    f"; the request classes' own gates count too ({class_gates}): below any of them reads 'below'"
    if class_gates
    else ""
)
tables.show_table(
    pd.DataFrame(
        [
            {
                "option": o.id,
                "score": o.quality_score,
                "measured by": (o.quality_source or "").partition("; ")[0] or None,
                "gate": o.quality_gate or "no gate",
                "$/task": o.usd_per_request,
                "output tokens/task": o.output_tokens_per_request,
                # a number in every row (blank where none), or the grid reads the column as text, unformatted
                "success rate": math.nan if o.success_rate is None else 100 * o.success_rate,
                "cost of pass": o.cost_of_pass_usd,
                "95% interval": (
                    f"{usd_per_task(o.cost_of_pass_ci_usd[0])}–"
                    + (usd_per_task(o.cost_of_pass_ci_usd[1]) if o.cost_of_pass_ci_usd[1] is not None else "∞")
                    if o.cost_of_pass_ci_usd
                    else None
                ),
                "frontier": i in front,
            }
            for i, o in enumerate(result.options)
        ]
    ),
    {
        "score": st.column_config.NumberColumn(
            format="%.1f", help=f"Its {BENCHMARKS.get(benchmark, (benchmark, ''))[0]} score, the one the gate reads"
        ),
        "measured by": st.column_config.TextColumn(
            help="Who measured the score that decides the gate; the sources in full below the table"
        ),
        "gate": st.column_config.TextColumn(help=gate_help),
        "$/task": st.column_config.NumberColumn(
            format=f"$%.{TASK_DIGITS}f", help="What one request costs, in the first month"
        ),
        "output tokens/task": st.column_config.NumberColumn(
            "tokens/task",
            format="localized",
            help="Output tokens per request (reasoning included) the cost is computed at",
        ),
        "success rate": st.column_config.NumberColumn(
            "success", format="%.3g%%", help="Percent of your own eval's tasks it passed (set in the table above)"
        ),
        "cost of pass": st.column_config.NumberColumn(
            format=f"$%.{TASK_DIGITS}f", help="Dollars per successful task: $/task ÷ success rate"
        ),
        "95% interval": st.column_config.TextColumn(
            help="The cost of pass's 95 % interval, from the number of tasks in your eval"
        ),
        "frontier": st.column_config.CheckboxColumn(
            help="On the cost–quality frontier: no other option is both cheaper and better"
        ),
    },
    wrap=True,
)
sources: dict[str, list[str]] = {}
for o in result.options:
    if o.quality_source:
        sources.setdefault(o.quality_source, []).append(o.id)
if sources:  # in full, where a table cell would cut them
    st.caption(
        "Where each score comes from:\n"
        + "\n".join(f"- **{', '.join(ids)}**: {tables.escape_markdown(source)}" for source, ids in sources.items())
    )
st.subheader("Every score, with who measured it")
records = [
    {"option": o.id, "benchmark": BENCHMARKS.get(r["benchmark"], (r["benchmark"], ""))[0], "score": r["score"],
     "as of": r["as_of"], "mode": MODE_WORDS.get(r["mode"], r["mode"]),
     "who": who_label(r),
     "source": r["source"], "url": r["url"],
     "note": r["note"]}
    for o in result.options for r in o.quality_records
]  # fmt: skip
if records:
    tables.show_table(
        pd.DataFrame(records),
        {
            "benchmark": st.column_config.TextColumn(help="The test the score is on"),
            "score": st.column_config.NumberColumn(format="%.1f", help="The score as the source reports it"),
            "as of": st.column_config.TextColumn(help="When the score was published or measured"),
            "mode": st.column_config.TextColumn(
                help="Whether the model was run thinking (reasoning on), non-thinking, or the source does not say"
            ),
            "who": st.column_config.TextColumn(
                help="Who measured it: the model's vendor, a third party (an independent lab, or a rival vendor's "
                "table), or your own eval; an "
                "unverified score is shown but never used by the gate"
            ),
            "url": st.column_config.LinkColumn("link", display_text="open", help="The source's web page"),
            "note": st.column_config.TextColumn(help="What the source says about the run (settings, caveats)"),
            "source": st.column_config.TextColumn(help="The table or page the score was read from"),
        },
        wrap=True,
    )
unscored = [o.id for o in result.options if o.quality_score is None]
if unscored:
    st.caption(f"Not on the chart (no {benchmark} score): {', '.join(unscored)}. Import or run your own eval above.")
