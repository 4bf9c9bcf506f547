"""A distilled option's project on the Compare page: its one-time cost by part, the training run, payback
against staying on the teacher with the quality gap beside it, and the payback chart."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from datafiles.export import allocate_cents
from tco.decision.verdict import why_not
from tco.records.amounts import usd
from tco.records.results import OptionResult, ScenarioResult, recommendable
from ui import charts, table_fit, tables


def payback_chart(months: list[str], student: OptionResult, teacher: OptionResult) -> go.Figure:
    """The student (its project paid up front) against staying on its teacher: charts.cumulative."""
    d = student.distillation
    assert d is not None
    return charts.cumulative(
        months,
        student,
        teacher,
        d["cumulative_savings_vs_teacher_usd"],
        d.get("payback_month_vs_teacher"),
        title=f"{student.id}: the project against staying on {teacher.id}",
    )


def _gap(value: float | None) -> str:
    return f"{value:+.1%}" if value is not None else "unknown"


def render(result: ScenarioResult) -> None:
    """One bordered box per distilled option of the result."""
    months = result.assumptions["months"]
    for student in (o for o in result.options if o.distillation):
        d = student.distillation
        assert d is not None and student.project_breakdown_usd is not None and student.one_time_cost_usd is not None
        teacher = next((o for o in result.options if o.id == d["teacher"]), None)
        with st.container(border=True, key=f"distil-{student.id}"):
            st.markdown(
                f"**Distillation project: {tables.escape_markdown(student.id)}** "
                f"(taught by {tables.escape_markdown(d['teacher'])})"
            )
            cols = st.columns(4)
            cols[0].metric(
                "One-time project",
                usd(student.one_time_cost_usd),
                help="Teacher data + training + evaluation; in NPV, payback and the risk",
            )
            if student.training_gpu_hours is not None:
                cols[1].metric(
                    "Training",
                    f"{student.training_gpu_hours:,.0f} GPU-h",
                    help=f"{d['method']}: {d['training_tokens']:,.0f} tokens, MFU {d['mfu']:.3f} ({d['mfu_source']}); "
                    f"{d['cluster_gpus']} GPUs (memory floor {student.training_min_gpus}) for "
                    f"{d['wall_hours']:,.1f} h. {d['estimate']}",
                )
            else:
                cols[1].metric("Training", usd(student.project_breakdown_usd["training"]), help=d["training_price"])
            payback = d.get("payback_month_vs_teacher")
            ruled_out = not recommendable(student)  # "would": a payback of a student nobody would deploy (distil
            # example: both students miss the SLO at every load, their boxes said "Pays back … month 2": a reviewer)
            cols[2].metric(
                f"{'Would pay' if ruled_out else 'Pays'} back against {d['teacher']}",
                f"month {payback}" if payback else "never",
                help="The first month from which cumulative savings over the teacher stay above zero"
                + (
                    f". {student.id} is not recommended ({why_not(student)}): this is the payback of an option you "
                    "would not deploy as set"
                    if ruled_out
                    else ""
                ),
            )
            cols[3].metric(
                "Success, student − teacher",  # "Success rate, student − teac…" was cut at 1280 px
                _gap(d.get("success_rate_gap")),
                help="From each option's success rate (your eval). Benchmark score gap: "
                + _gap_points(d.get("quality_score_gap")),
            )
            parts = student.project_breakdown_usd
            # whole dollars that add up to the One-time project figure above them
            shown = allocate_cents(list(parts.values()), round(student.one_time_cost_usd), unit=1.0)
            tables.show_table(
                pd.DataFrame(
                    [
                        {"part": k, "USD": dollars, "share": f"{v / student.one_time_cost_usd:.0%}" if v else "0%"}
                        for (k, v), dollars in zip(parts.items(), shown, strict=True)
                    ]
                ),
                {"USD": st.column_config.NumberColumn("USD", format="dollar", step=1.0)},  # whole dollars
                budget_px=table_fit.EXPANDER_PX,
            )
            st.caption(
                tables.escape_markdown(
                    f"Teacher data priced at {d['teacher_price_basis']}; training: "
                    f"{d['training_price']}"
                    + (f"; redone every {d['redistill_every_months']} months" if d["redistill_every_months"] else "")
                )
            )
            if teacher is not None:
                charts.show(payback_chart(months, student, teacher), f"distillation-{student.id}")


def _gap_points(value: float | None) -> str:
    return (
        f"{value:+.1f} points" if value is not None else "unknown (the student's catalogue score is its base model's)"
    )
