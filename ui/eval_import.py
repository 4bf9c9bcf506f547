"""The Quality page's eval import: read an uploaded eval result, and put one of its rows on an option.

A row lands on the option as a scenario's `eval: {file, model, task}` resolves (scenario_io.eval_ref.eval_fields,
the one rule for both): `success_rate` over the answered tasks, `success_n` = answered (the Wilson interval
follows from the two), `output_tokens` per task with `output_tokens_basis` "measured by your eval (<file>)" unless
the option scales tokens (`output_tokens_multiplier`); a file without tokens leaves the option's own.
Import is the user's choice for that option, so what it gives replaces the option's own values: a stale n is
dropped when the new file records none, and an `eval:` reference the option held is dropped (the numbers are
written on the option, so a saved scenario or a link carries them without the file). Nothing else on the option,
or on any other option, changes. Tasks that ended in an error are named beside the rate, never counted as wrong.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from datafiles import InputError
from evals.records import EvalSummary
from scenario_io.eval_ref import eval_fields
from tco.records.amounts import percent
from ui import forms, loaders, state, table_fit, tables

TABLE = "quality.table"
"""The Quality page's editable table of success rate, n and output tokens (ui.forms.table_editor)."""
VERSION = "quality.table_version"
"""Bumped by every import, so the table is drawn afresh from the scenario (its kept input would undo the import)."""


def table_name() -> str:
    """The editable table's name now: `quality.table`, then `quality.table.<k>` after the k-th import."""
    version = st.session_state.get(VERSION, 0)
    return TABLE if not version else f"{TABLE}.{version}"


def rate_text(row: EvalSummary) -> str:
    """`86.0% over 100 answered tasks (95 % CI 78–91 %)`: percent throughout, as every success rate on the page."""
    counted = f" over {row.n:,} answered tasks" if row.n else " (n not recorded: no interval)"
    interval = ci_text(row)
    return f"{percent(row.success_rate)}{counted}" + (f" (95 % CI {interval})" if interval else "")


def ci_text(row: EvalSummary) -> str | None:
    """The 95 % interval in percent, "78–91 %", "0.011–0.15 %" (two significant figures at least); None without
    one."""
    if row.ci_low is None or row.ci_high is None:
        return None
    return f"{percent(row.ci_low, 0).removesuffix('%')}–{percent(row.ci_high, 0).removesuffix('%')} %"


def errors_text(row: EvalSummary) -> str:
    """` 4 tasks ended in an error (no answer, not a wrong one) and are not counted.` or nothing."""
    if not row.errors:
        return ""
    plural = "" if row.errors == 1 else "s"
    return f" {row.errors:,} task{plural} ended in an error (no answer, not a wrong one) and are not counted."


def apply(option: dict[str, Any], name: str, row: EvalSummary) -> str:
    """Write `row`'s figures onto the `option` mapping (see the module docstring); the message to show.

    Raises InputError (naming the file and the row) for a row the option cannot take."""
    where = f"model {row.model[:80]!r} task {row.task[:80]!r}"
    given = eval_fields(row, name, where, scaled_tokens="output_tokens_multiplier" in option)
    for key in ("success_rate", "success_n", "eval"):
        option.pop(key, None)
    option.update({key: forms.tidy(value) for key, value in given.items()})
    st.session_state[VERSION] = st.session_state.get(VERSION, 0) + 1
    state.reset_form(forms.key(TABLE))  # the table's kept inputs, of every version
    if "output_tokens" in given:  # it prices the option's requests from now on: said, and to the tokens measured
        # (a 4-question quiz's 1.5 tokens read "2/task" and re-priced a production option without a word: a reviewer)
        tokens = (f"output tokens {given['output_tokens']:,.4g} a task, now the option's own (its cost per request "
                  "and fleet follow them)")  # fmt: skip
    elif "output_tokens_multiplier" in option:
        tokens = "output tokens kept: the option scales the workload's (output_tokens_multiplier)"
    else:
        tokens = "output tokens kept: the file records none"
    source = f"from {name} ({row.model}, {row.task})"
    return f"{option['id']}: success rate {rate_text(row)}, {tokens} — {source}.{errors_text(row)}"


def read(upload: Any) -> list[EvalSummary] | None:
    """The uploaded file's rows, kept under its name for `eval: {file: …}`; None after showing why not."""
    try:
        rows = loaders.evals_from_upload(upload.getvalue(), upload.name)
    except InputError as err:
        st.error(state.shown(f"{upload.name} was not imported: {err}"), icon=":material/error:")
        return None
    state.add_eval(upload.name, rows)
    return rows


def apply_shown(option: dict[str, Any] | None, name: str, row: EvalSummary) -> None:
    """`apply`, its outcome shown in place (an error names the file and the row; the scenario is unchanged)."""
    if option is None:
        st.warning("Add an option on the Compare page first: there is none to apply the eval to.")
        return
    try:
        message = apply(option, name, row)
    except InputError as err:
        st.error(state.shown(f"{name} was not applied: {err}"), icon=":material/error:")
        return
    st.success(message, icon=":material/check_circle:")


def imported_table() -> pd.DataFrame:
    """Every row of every eval imported in this session, errors beside the rate."""
    return pd.DataFrame(
        [
            {"file": name, "model": r.model, "task": r.task, "answered": r.n, "errors": r.errors,
             "success rate": 100 * r.success_rate, "95% CI": ci_text(r), "tokens/task": r.output_tokens_per_task,
             "tool": r.tool}
            for name, rows in state.uploaded_evals().items() for r in rows
        ]
    )  # fmt: skip


def section(options: list[dict[str, Any]]) -> None:
    """The "Your own evals" section: upload and import onto an option; apply any imported row to any option."""
    ids = [o["id"] for o in options]
    by_id = {o["id"]: o for o in options}
    with st.form("quality.eval_form"):
        upload = st.file_uploader(
            "Eval result: lm-eval results_*.json, Inspect .eval/.json, promptfoo -o JSON, OpenAI evals log, "
            "DeepEval .latest_test_run.json, or `inference-roi eval run` records",
            type=["json", "jsonl", "eval"], key="quality.upload",
        )  # fmt: skip
        target = st.selectbox("Import onto option", ids, key="quality.target")
        submitted = st.form_submit_button("Import")
    if submitted and upload is None:
        st.warning("Choose an eval result file first.")
    elif submitted:
        rows = read(upload)
        if rows is not None and len(rows) == 1:
            apply_shown(by_id.get(target), upload.name, rows[0])
        elif rows is not None:
            st.info(
                state.shown(f"{upload.name} holds {len(rows)} results: choose one below and apply it to an option.")
            )
    evals = state.uploaded_evals()
    if not evals:
        return
    # short headers, their meaning in the help: with lm-eval's long model and task names the nine columns ran past
    # a 1280-px page (the tool column cut at its edge); names with spaces (tasks such as "support answers
    # (concise)") wrap rather than be cut; ids without spaces are shortened, and the apply box below names them whole
    tables.show_table(imported_table(), {
        "answered": st.column_config.NumberColumn(format="localized", help="Tasks answered and scored (n)"),
        "errors": st.column_config.NumberColumn(help="Tasks that ended in an error: counted neither way"),
        # 2 in 5,000: 0.0400%, not 0.0%; "success" as on the results table (its intervals, "0.011–0.15 %", took the
        # room "success rate" had)
        "success rate": st.column_config.NumberColumn(
            "success", format="%.3g%%", help="Success rate: the share of the answered tasks passed"
        ),
        "tokens/task": st.column_config.NumberColumn(format="localized", help="Output tokens per task, where recorded"),
    }, budget_px=table_fit.EXPANDER_PX, wrap=True)  # fmt: skip
    choices = [(name, i) for name, rows in evals.items() for i in range(len(rows))]
    cols = st.columns([3, 2, 1], vertical_alignment="bottom")
    chosen = cols[0].selectbox(
        "Imported result", choices, key="quality.apply_row",
        format_func=lambda c: f"{c[0]}: {evals[c[0]][c[1]].model}, {evals[c[0]][c[1]].task}",
    )  # fmt: skip
    # one name a control (a reviewer met two "Apply to option"); the option chosen above comes preselected, so a
    # file of several results asks for it once
    above = st.session_state.get("quality.target")
    onto = cols[1].selectbox("Onto option", ids, index=ids.index(above) if above in ids else 0,
                             key="quality.apply_target")  # fmt: skip
    if cols[2].button("Apply this result", key="quality.apply") and chosen is not None:
        apply_shown(by_id.get(onto), chosen[0], evals[chosen[0]][chosen[1]])
