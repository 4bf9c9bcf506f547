"""Result tables and notes for display (downloads are built by cli.report)."""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd
import streamlit as st

from reports.ranking import ranked, throughput_basis
from tco import ScenarioResult
from tco.decision.evidence import contract_note, retiring_note
from tco.decision.verdict import STATUS_WORDS, decide, fleet_text, mean_monthly_usd, mean_staff_usd, status
from tco.records.amounts import MINUS, TASK_DIGITS, usd_scaled
from tco.records.defaults import DEFAULT_LABELS, DEFAULT_SOURCES
from tco.records.mix import MixResult
from ui import table_fit

OPTION_COLUMNS = {
    "option": st.column_config.TextColumn(
        "option",
        help="The option's name in the scenario (a long one shortened in the middle to fit; the "
        "Options tab and the notes have it whole)",
    ),
    "status": st.column_config.TextColumn("status", help="; ".join(f"{k}: {v}" for k, v in STATUS_WORDS.items())),
    "$/month": st.column_config.TextColumn(
        "$/month",
        help="What it costs a month, on average over the horizon (growth and price changes "
        "included; one-time costs such as setup are in the NPV of cost instead)",
    ),
    "$/task": st.column_config.TextColumn("$/task", help="What one request costs, in the first month"),
    "NPV of cost": st.column_config.TextColumn(
        "NPV of cost",
        help="Everything it costs over the horizon, one-time costs included, in today's "
        "dollars (later months discounted at the scenario's rate). Lower is better: the options are ranked by it",
    ),
    "$/Mtok": st.column_config.TextColumn(
        "$/Mtok", help="Dollars per million tokens, input and output together, in the first month"
    ),
    "GPUs": st.column_config.TextColumn(
        "GPUs",
        help="GPUs paid for in the first month; autoscaled by the hour, their mean (e.g. 22.3), while the fleet at "
        "the peak is in words under the table",
    ),
    "GPU use": st.column_config.TextColumn(
        "GPU use",
        help="How busy the paid GPUs are on average in the first month (load ÷ capacity): "
        "low use means capacity bought for the peak, the SLO or whole servers",
    ),
    "quality": st.column_config.TextColumn(
        "quality",
        help="Its score on the quality gate's benchmark, and whether it passes the gate; unverified: the only score "
        "held could not be found in its source, so it decides nothing (the Quality page lists it)",
    ),
    "capacity": st.column_config.TextColumn(
        "capacity",
        help="Where each fleet's throughput comes from: measured (a load test), published (a "
        "vendor's or third party's sweep), modelled (fitted between measured shapes), transferred (measured on "
        "another GPU or a sibling model, scaled), estimated (from the hardware alone); ± is the error to expect. "
        "provider: an API, the provider runs it",
    ),
}
OPTION_MIN_PX = 160
"""The option column keeps at least this width (about 20 characters of an id, "qwen3-235b-fireworks" whole: it was cut
to "qwen3-235…ireworks" beside "qwen3-235b-owned" at 146 px) when the table must give way."""
ALIGNED = "%.3g"
"""A column format `show_table` turns into one number of decimals for the whole column (`aligned_format`)."""
ALIGNED_MOST_DECIMALS = 4


def aligned_format(values: pd.Series) -> str:
    """'%.Nf' with the decimals that give the column's smallest non-zero value three significant figures (at most
    `ALIGNED_MOST_DECIMALS`), so every row has as many: 0.153 and 12.3 req/s read "0.153" and "12.300", where
    three significant figures each read "0.153" and "12.3" and the decimal points wandered.

    >>> aligned_format(pd.Series([0.153, 1.34, 12.3])), aligned_format(pd.Series([1.34, 12.3, None]))
    ('%.3f', '%.2f')
    >>> aligned_format(pd.Series([0.0042, 0.07])), aligned_format(pd.Series([250.0, 4000.0]))
    ('%.4f', '%.0f')
    >>> aligned_format(pd.Series([0.0]))
    '%.0f'
    """
    small = pd.to_numeric(values, errors="coerce").abs()
    small = small[small > 0].min()
    if pd.isna(small):
        return "%.0f"
    return f"%.{min(ALIGNED_MOST_DECIMALS, max(0, 2 - math.floor(math.log10(small))))}f"


AMOUNT_TEXT = re.compile(r"^[−+-]?\$?\d[\d,]*(\.\d+)?( ?[%×kMB])?$")
"""A cell that is a number written out ("−$1,402,747", "$0.0031", "661%", "3.6×", "24"): text so that its sign
and unit read right, yet a number all the same, so its column is right-aligned like one."""
PLACEHOLDERS = ("", "–", "n/a")


def _aligned(frame: pd.DataFrame, config: dict[str, Any]) -> dict[str, Any]:
    """`config` with each `ALIGNED` number column given its decimals (`aligned_format`) and each text column whose
    every cell is an amount (`AMOUNT_TEXT`) right-aligned, so digits stand under digits ("$9,300" over
    "$161,514" sat to the left, cells of different lengths starting together).

    >>> frame = pd.DataFrame({"$/month": ["$9,300", "$161,514"], "option": ["a", "b"], "NPV": ["−$5", "–"]})
    >>> {c: e.get("alignment") for c, e in _aligned(frame, {"option": {"label": "option"}}).items()}
    {'option': None, '$/month': 'right', 'NPV': 'right'}
    """
    out: dict[str, Any] = {}
    for column, entry in config.items():
        if isinstance(entry, dict) and (entry.get("type_config") or {}).get("format") == ALIGNED and column in frame:
            entry = {**entry, "type_config": {**entry["type_config"], "format": aligned_format(frame[column])}}
        out[column] = entry
    for column in frame.columns:
        filled = [v for v in frame[column] if not (v is None or v is pd.NA or v != v or v in PLACEHOLDERS)]
        if filled and all(isinstance(v, str) and AMOUNT_TEXT.match(v) for v in filled):
            entry = out.get(column) or {}
            entry = dict(entry) if isinstance(entry, dict) else {"label": entry}
            if entry.get("alignment") is None:
                entry["alignment"] = "right"
            out[column] = entry
    return out


LATENCY_WORDS = {"ttft": "Time to first token", "itl": "Time between output tokens", "e2e": "Whole request"}
LEVEL_COLUMNS = {
    "index": st.column_config.NumberColumn("level", help="The load level, counted from 1 as in the text above"),
    "concurrency": st.column_config.NumberColumn("concurrency", help="Requests kept in flight at this level"),
    "request_rate": st.column_config.NumberColumn("arrivals/s", help="Requests sent a second (open-loop runs)"),
    "input_tokens": st.column_config.NumberColumn("input", format="localized", help="Mean input tokens per request"),
    "output_tokens": st.column_config.NumberColumn("output", format="localized", help="Mean output tokens per request"),
    "req_per_s": st.column_config.NumberColumn("req/s", format=ALIGNED, help="Requests/s measured"),
    "model_req_per_s": st.column_config.NumberColumn(
        "req/s, model",
        format=ALIGNED,
        help="Requests/s the performance model predicts for this level when fitted without it (without its whole "
        "shape where the profile measures several): the gap to the measured req/s is the model's error on your "
        "data, the error stated above. With too few levels to leave one out, the model fitted on all of them",
    ),
    "output_tokens_per_s_per_gpu": st.column_config.NumberColumn(
        "tokens/s/GPU", format="localized", help="Output tokens/s per GPU measured"
    ),
    "tokens_per_s_per_user": st.column_config.NumberColumn(
        "tokens/s/user", format="%.1f", help="Output tokens/s each request sees: its speed"
    ),
    **{
        f"{m}_{p}_s": st.column_config.NumberColumn(
            f"{m.upper()} {p} (s)",
            format=ALIGNED,
            help=f"{LATENCY_WORDS[m]}, {p}: {'half' if p == 'p50' else '99 %'} of requests at or below it",
        )
        for m in ("ttft", "itl", "e2e")
        for p in ("p50", "p99")
    },
    "requests_failed": st.column_config.NumberColumn("failed", help="Requests that failed at this level"),
    "in_fit": st.column_config.CheckboxColumn(
        "in the model",
        help="Levels the performance model is fitted to: no failed request, and requests/s that "
        "agree with the level's own concurrency and latency",
    ),
    "meets_slo": st.column_config.CheckboxColumn("meets SLO", help="Within every bound of the scenario's SLO"),
    "why_not": st.column_config.TextColumn(
        "problems",
        help="Why the model leaves the level out (failed requests, figures that disagree), or which of the SLO's "
        "bounds it misses (a level in the model may miss the SLO: it still tells the model how the server behaves)",
    ),
    "roofline_output_tokens_per_s_per_gpu": st.column_config.NumberColumn(
        "ceiling tokens/s/GPU",
        format="localized",
        help="The physical ceiling: output tokens/s per GPU the GPUs' compute and memory bandwidth allow",
    ),
    "implausible": st.column_config.CheckboxColumn("above ceiling", help="Measured above the physical ceiling"),
}
"""The Throughput page's levels: words and units for the record's field names."""
LEVEL_TABLES = {
    "Throughput": ("index", "concurrency", "request_rate", "input_tokens", "output_tokens", "req_per_s",
                   "model_req_per_s", "output_tokens_per_s_per_gpu", "tokens_per_s_per_user"),
    "Latency": ("index", "concurrency", "input_tokens", "output_tokens",  # E2E grows with the output: both lengths
                *(f"{m}_{p}_s" for m in ("ttft", "itl", "e2e") for p in ("p50", "p99"))),
    "Checks": ("index", "concurrency", "input_tokens", "requests_failed", "in_fit", "meets_slo",
               "roofline_output_tokens_per_s_per_gpu", "implausible", "why_not"),
}  # fmt: skip
"""The levels table in three parts that each fit a laptop's page; a column empty on every level is left out."""


MARKDOWN_MARKUP = re.compile(r"(\\|\$|<|!(?=\[)|\](?=[(\[]))")
"""What turns text into more than text in Streamlit's markdown: `$` LaTeX, `![..](..)` an image the browser fetches,
`[..](..)` and `[..][..]` a link, `<` HTML and `<http://…>` links, and `\\` (an escape that would undo ours).
Emphasis and brackets alone (`options[0]`, `requests_per_month`) stay as they are: they cannot fetch or link."""
AUTOLINK = re.compile(r"(?i)(://|www\.)")
"""What makes GitHub-flavoured markdown turn bare text into a link (`http://…`, `www.…`), whatever is escaped."""
WORD_JOINER = "\u2060"


def sign_kept(text: str) -> str:
    """A negative amount never breaks between its sign and its dollar ("NPV of savings −" at a line's end and
    "$1,501,937" on the next): a word joiner holds them, before or after `escape_markdown` (its `\\$`).

    >>> sign_kept("NPV of savings −$1,501,937").replace(WORD_JOINER, "~")
    'NPV of savings −~$1,501,937'
    >>> len(sign_kept(escape_markdown("−$7")))  # −, the joiner, the escape, $, 7
    5
    """
    return re.sub(rf"{MINUS}(\\?\$)", MINUS + WORD_JOINER + r"\1", text)


def escape_markdown(text: str) -> str:
    """`text` shown as written in Streamlit's markdown: what makes a link, an image, HTML or LaTeX is escaped with a
    backslash (`MARKDOWN_MARKUP`), and an invisible word joiner splits `://` and `www.` so no address becomes a
    link. A scenario's name or an option's problem from a shared link can carry `![x](https://…)`, which made the
    reader's browser fetch that address. Line starts (- or 1.) are left alone: a list built here stays a list.

    >>> print(escape_markdown("![x](https://e.example/p.png) costs $5 at options[0]").replace(WORD_JOINER, "~"))
    \\![x\\](https:~//e.example/p.png) costs \\$5 at options[0]
    """
    escaped = MARKDOWN_MARKUP.sub(r"\\\1", text)
    return AUTOLINK.sub(lambda m: m.group(0)[0] + WORD_JOINER + m.group(0)[1:], escaped)


def _money(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return usd_scaled(value, digits)


def _gpus(count: float | None) -> str:
    """Whole GPUs as whole numbers; an autoscaled fleet's daily mean to one decimal (18.67 → '18.7')."""
    if not count:
        return "–"
    return f"{count:,.0f}" if float(count).is_integer() else f"{count:,.1f}"


def use_words(share: float) -> str:
    """A fleet's GPU use as a whole percentage that never reads idle when it is not: 0.3 % is "<1%" (a fleet at
    1,000 requests a month showed "0%", a reviewer).

    >>> use_words(0.003), use_words(0.214), use_words(0.0)
    ('<1%', '21%', '0%')
    """
    return "<1%" if 0 < share < 0.005 else f"{share:.0%}"


def options_frame(result: ScenarioResult, mix: MixResult | None = None) -> pd.DataFrame:
    """One row per option, ranked (the cheapest recommendable first); options that cannot be computed last,
    each with its problem in the status column. With a recommended `mix`, the single pick is the best single
    option."""
    decision = decide(result)
    rows = []
    for o in ranked(result):
        # a score the catalogue holds but could not verify decides nothing: said so, not "no score" (haiku's 73.0
        # in owned-fleet-finance read as missing beside a verdict that named it, a reviewer)
        quality = (
            f"{o.quality_score:g}"
            if o.quality_score is not None
            else ("unverified" if o.quality_unverified_records else "no score")
        )
        if o.quality_gate:
            quality += {"passes": " passes", "below": " below"}.get(o.quality_gate, "")  # "86 pass" read as jargon
        rows.append(
            {
                "option": o.id,
                "status": status(o, decision, mix),
                "$/month": _money(mean_monthly_usd(o)),
                "$/task": _money(o.usd_per_request, TASK_DIGITS),
                "NPV of cost": _money(o.npv_cost_usd),
                "$/Mtok": _money(o.usd_per_mtok, 2),
                "GPUs": "API" if o.kind == "api" else f"{_gpus(o.gpus_billed_first_month)} {o.gpu or ''}".strip(),
                "GPU use": "–" if o.utilization_first_month is None else use_words(o.utilization_first_month),
                "quality": quality,
                "capacity": throughput_basis(o),
            }
        )
    for err in result.option_errors:
        rows.append({"option": err.id, "status": "cannot compute"})  # its problem is written under the table
    return pd.DataFrame(rows, columns=list(OPTION_COLUMNS)).fillna("–")


def table_notes(result: ScenarioResult) -> list[str]:
    """What explains the ranked table, said under it on Compare and in the decision report: the staff inside each
    $/month, options whose model retires inside the horizon, reserved terms that run past it (a reviewer found the
    report ranking a cheaper-looking fleet below a dearer one with none of these beside it)."""
    return [n for n in (staff_caption(result), retiring_note(result.options), contract_note(result)) if n]


def staff_caption(result: ScenarioResult) -> str | None:
    """The staff inside each $/month, said once under the table: an API's platform staff is a cost too."""
    f = result.assumptions["finance"]
    per_fte = f["staff_usd_per_fte_month"]
    parts = [f"{o.id} {_money(mean_staff_usd(o))}" for o in ranked(result) if mean_staff_usd(o)]
    if not parts:
        return None
    fte = f["ops_fte"]
    return (
        f"$/month includes staff and platform: {', '.join(parts)} a month (engineers' time per option: API "
        f"{fte['api']:g}, rented GPUs {fte['rented']:g}, owned servers {fte['owned']:g}, at {_money(per_fte)} an "
        "engineer-month; an option's fixed/month in the options table replaces its staff)."
    )


def fleets(result: ScenarioResult) -> list[str]:
    """Each self-hosted option's fleet in words, ranked."""
    return [f"{o.id}: {fleet_text(o, result.assumptions)}" for o in ranked(result) if o.kind != "api"]


def show_table(
    frame: pd.DataFrame,
    config: dict[str, Any] | None = None,
    budget_px: float = table_fit.TABLE_PX,
    middle: tuple[str, ...] = ("option", "id"),
    min_px: dict[str, float] | None = None,
    wrap: bool = False,
    in_full: bool = True,
    **kwargs: Any,
) -> None:
    """`frame` drawn read-only and laid out to fit the page (`ui.table_fit.fit`): no column wider than its share, no
    cell cut without "…", no sideways scrolling at 1280 px; empty cells as "–". `wrap`: long texts (sources,
    reasons) wrap on up to three lines before any is shortened. Every text the table shortens is written in full in
    a popover under it (`shortened`; a reviewer found the Quality page's notes, the only word on why a score is
    unverified, cut and nowhere else); `in_full=False` where the page writes them in full itself."""
    lines = table_fit.WRAP_LINES if wrap else 1
    config = _aligned(frame, config or {})
    shown, shown_config = table_fit.fit(frame, config, budget_px, middle, min_px=min_px, lines=lines)
    if wrap and table_fit.lines_used(shown, shown_config) > 1:  # rows stay one line tall where every text fits one
        kwargs["row_height"] = table_fit.WRAP_ROW_PX
        # tall rows: up to WRAP_ROWS_SHOWN of them in view (the grid's own height shows about five), the rest scroll
        kwargs.setdefault("height", table_fit.wrapped_height_px(len(shown)))
    st.dataframe(shown, hide_index=True, placeholder="–", width="stretch", column_config=shown_config, **kwargs)
    cut = shortened(frame, shown, shown_config) if in_full else []
    if cut:
        with st.popover(f"Shortened texts in full ({len(cut)})", icon=":material/notes:"):
            st.markdown("\n".join(f"- {escape_markdown(line)}" for line in cut))


def shortened(frame: pd.DataFrame, shown: pd.DataFrame, config: dict[str, Any]) -> list[str]:
    """Each text `ui.table_fit.fit` shortened, once, as "column: text" (the column by its label), with its row named
    by the first column where that is not the text itself ("gpt-5 · note: …"). An id broken over lines keeps every
    character and is not counted.

    >>> frame = pd.DataFrame({"option": ["a", "b", "c"], "note": ["short", "a very long note", "a very long note"]})
    >>> seen = pd.DataFrame({"option": ["a", "b", "c"], "note": ["short", "a very…", "a very…"]})
    >>> shortened(frame, seen, {"note": {"label": "n"}})
    ['b, c · n: a very long note']
    >>> shortened(pd.DataFrame({"provider": ["huggingface_cerebras"]}), pd.DataFrame({"provider": ["huggi…"]}), {})
    ['provider: huggingface_cerebras']
    """
    rows: dict[tuple[str, str], list[str]] = {}
    for number, column in enumerate(frame.columns):
        label = (config.get(str(column)) or {}).get("label") or str(column)
        for i, (text, seen) in enumerate(zip(frame[column], shown[column], strict=True)):
            if isinstance(text, str) and isinstance(seen, str) and seen.replace("\n", "") != text.replace("\n", ""):
                named = rows.setdefault((label, text), [])
                if number:
                    named.append(str(frame.iloc[i, 0]))
    return [(f"{', '.join(dict.fromkeys(named))} · " if named else "") + f"{label}: {text}"
            for (label, text), named in rows.items()]  # fmt: skip


def frame(records: list[Any]) -> pd.DataFrame:
    """Dataclass records as a table, one column per field."""
    return pd.DataFrame([r.__dict__ for r in records])


def notes(result: ScenarioResult) -> None:
    with st.expander("Notes: estimates, extrapolations, sources"):
        for option in ranked(result):
            st.markdown(f"**{option.id}** — {escape_markdown(option.label)}")
            for note in option.notes:
                st.markdown(f"- {escape_markdown(note)}")
            if option.quality_score is not None:
                st.caption(f"quality score: {escape_markdown(option.quality_source)}")


def assumptions(result: ScenarioResult) -> None:
    with st.expander("Defaults and their sources"):
        show_table(
            pd.DataFrame({"default": [DEFAULT_LABELS.get(k, k) for k in DEFAULT_SOURCES],
                          "value and source": list(DEFAULT_SOURCES.values()),
                          "in a scenario file": list(DEFAULT_SOURCES)}),
            {"default": st.column_config.TextColumn(help="An assumption every option shares unless set"),
             "value and source": st.column_config.TextColumn(help="The value used, and where it comes from"),
             "in a scenario file": st.column_config.TextColumn(
                 help="The key that sets it under `assumptions:` in a scenario file")},
            budget_px=table_fit.EXPANDER_PX,
            wrap=True,
        )  # fmt: skip
        st.caption(f"Months: {result.assumptions['months'][0]} to {result.assumptions['months'][-1]}")
