"""Usage: upload API usage or billing exports, see what they say, and fill the workload from them."""

import copy
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from datafiles import InputError
from pricing import PriceBook, load_overrides
from tco.records.amounts import usd
from tco.workload.thin_peak import thin_peak_note
from ui import loaders, state, tables, usage_charts
from usage.report import UsageReport, analyse, growth_text, provenance, scenario_mapping
from usage.sources import SOURCE_NAMES

MAX_USAGE_MB = 500
"""The usage uploader's own cap (scenarios and profiles stay at 1 MiB): exports of a quarter run to hundreds of MB.
At most 500: Streamlit's uploader writes its limit in units of 1,000 and steps up a unit above half of one, so a
512 MB cap read "1GB per file" under the box while its help said 512 MB."""
REPORT = "usage_report"
PERCENT = "%.1f%%"
"""Shares in the tables, in percent to one decimal ("-69.6%" beside "-77.3%", never "-69.62%")."""

st.title("Usage")
st.caption(
    "Exports from the OpenAI or Anthropic usage APIs, OpenRouter, LiteLLM, AWS Bedrock invocation logs, Langfuse, "
    "Helicone, FOCUS billing files, or the generic CSV (README, Usage exports) — CSV, JSON, JSONL, Parquet, .gz. "
    "DuckDB reads them on this server; only hourly sums are kept, never a prompt, a user or a key."
)
with st.form("usage.form"):
    uploads = st.file_uploader(
        "Usage or billing exports",
        type=["csv", "json", "jsonl", "parquet", "gz"],
        accept_multiple_files=True,
        key="usage.upload",
        max_upload_size=MAX_USAGE_MB,
        help=f"At most {MAX_USAGE_MB} MB a file. Larger logs: run usage/hourly.sql where they live (README).",
    )
    source = st.selectbox("Source", ["detect from content", *SOURCE_NAMES], key="usage.source")
    read = st.form_submit_button("Read the exports")


def _analyse(files: list) -> UsageReport:
    """Each upload streamed to a temporary file for DuckDB, deleted once read: only the sums stay."""
    with tempfile.TemporaryDirectory(prefix="inference-roi-usage-") as folder:
        paths = []
        for i, upload in enumerate(files):
            suffix = "".join(Path(upload.name).suffixes[-2:])[:20]
            target = Path(folder) / f"{i}{suffix}"
            upload.seek(0)
            with target.open("wb") as out:
                shutil.copyfileobj(upload, out, length=8 * 2**20)
            paths.append((target, upload.name))
        book = PriceBook(loaders.catalogues().prices, load_overrides(), "api_overrides.yaml")
        forced = None if source == "detect from content" else source
        return analyse(paths, book, forced)


if read and uploads:
    try:
        st.session_state[REPORT] = _analyse(list(uploads))
    except InputError as err:
        st.error(f"The exports were not read: {state.shown(err)}", icon=":material/error:")
elif read:
    st.warning("Choose one or more export files first.")

report: UsageReport | None = st.session_state.get(REPORT)
if report is None:
    st.info("No usage read yet in this session. The scenario on the other pages is unchanged until you fill it.")
    raise state.PageEnd

summary = report.summary
cols = st.columns(4)
volume_key = "requests_per_month" if "requests_per_month" in summary.workload else "tokens_per_month"
cols[0].metric(volume_key.replace("_", " ").capitalize(), f"{summary.workload[volume_key]:,}")
cols[1].metric(
    "Monthly growth",
    growth_text(summary.monthly_growth),
    help="How much the volume grew from one month to the next in these exports, on average.",
)
peak = summary.peak_to_average
busiest = max(summary.peaks, key=lambda p: p.ratio, default=None)
thin = busiest is not None and volume_key == "requests_per_month" and thin_peak_note(busiest.ratio, busiest.busiest)
cols[2].metric("Peak-to-average", "daily data" if peak is None else f"{peak:.2f}",
               delta="too few requests" if thin else None, delta_color="off", delta_arrow="off",
               help="The busiest hour's load divided by the average hour's. A self-hosted fleet is sized for the "
               "busy hours, so a higher ratio means more GPUs idle the rest of the day."
               + (f" Here: {thin}." if thin else ""))  # fmt: skip
reported = sum(m.reported_cost_usd or 0 for m in summary.models)
months = sorted({r.month for r in report.reconciliation if r.reported_cost_usd})
# the whole files' spend, beside a volume a month: a reviewer read $11 over two months as one month's (its period)
period = months[0] if len(months) == 1 else f"{months[0]} to {months[-1]}" if months else ""
cols[3].metric(
    f"Reported spend, {len(months)} month{'s' if len(months) != 1 else ''}" if months else "Reported spend",
    usd(reported) if reported else "not in the file",
    help=f"What the exports say was spent over every month they cover ({period}); the volume beside it is a month's"
    if months
    else "The exports carry no cost column",
)

with st.container(border=True, key="usage.derived"):
    lines = provenance(report)
    st.markdown("\n".join(f"- {line}" for line in lines))
    add_options = st.checkbox("Also add the models found as API options", value=True, key="usage.add_options")
    if st.button("Use this workload", type="primary", key="usage.fill"):
        data = state.data()
        mapping = scenario_mapping(report)
        data["workload"] = copy.deepcopy(mapping["workload"])
        data["start"] = mapping["start"]
        added = []
        if add_options:
            present = {(o.get("provider"), o.get("model")) for o in data.get("options", [])}
            for option in mapping["options"]:
                if (option["provider"], option["model"]) not in present:
                    ids = {o.get("id") for o in data.get("options", [])}
                    option = {**option, "id": option["id"] if option["id"] not in ids else option["id"] + "-usage"}
                    data.setdefault("options", []).append(option)
                    added.append(option["id"])
        state.reset_form()
        st.success(
            f"The workload now comes from {', '.join(f.name for f in report.files)}"
            + (f"; added options {', '.join(added)}" if added else "")
            + ". See Compare.",
            icon=":material/check_circle:",
        )

st.subheader("Spend by model and month")
st.plotly_chart(usage_charts.spend_by_month(report.reconciliation), key="usage.spend")
recon = pd.DataFrame(
    [
        {
            "month": r.month,
            "model": r.model,
            # to the cent: the cell shows cents, and what a reader copies from it is the same number
            "reported $": None if r.reported_cost_usd is None else round(r.reported_cost_usd, 2),
            "our prices $": None if r.priced_cost_usd is None else round(r.priced_cost_usd, 2),
            "difference $": None if r.difference_usd is None else round(r.difference_usd, 2),
            "difference": None if not r.reported_cost_usd else 100 * (r.difference_usd or 0) / r.reported_cost_usd,
        }
        for r in report.reconciliation
    ]
)
money = {c: st.column_config.NumberColumn(format="dollar") for c in ("reported $", "our prices $", "difference $")}
tables.show_table(recon, {
    **money, "difference": st.column_config.NumberColumn(
        format=PERCENT, help="Our prices minus the reported spend, as a share of the reported spend.")})  # fmt: skip
st.caption(f"Our prices: {report.price_version}, list prices (no batch or negotiated discount).")

if summary.granularity != "day":
    st.subheader("When the requests come (UTC)")
    st.plotly_chart(usage_charts.heat_map([b for f in report.files for b in f.buckets]), key="usage.heat")

st.subheader("Token shapes per model")
classes = summary.workload["classes"]
shapes = pd.DataFrame(
    [
        {
            "model": c["name"],
            "share": 100 * c["share"],
            "mean input": round(c["input_tokens"]),
            "mean output": round(c["output_tokens"]),
            "cached share": 100 * c.get("cached_input_share", 0.0),
        }
        for c in classes
    ]
)
shares = {
    "share": st.column_config.NumberColumn(format=PERCENT, help="This model's share of the requests."),
    "cached share": st.column_config.NumberColumn(
        format=PERCENT, help="The share of input tokens the provider served from its prompt cache."),
}  # fmt: skip
tokens = {c: st.column_config.NumberColumn(format="localized", help="Tokens per request.")
          for c in ("mean input", "mean output")}  # fmt: skip
tables.show_table(shapes, {**shares, **tokens}, middle=("model",))
# the input percentiles in a table of their own: beside the means, the eleven columns ran past a 1280-px page
# (the last cut at its edge, the model's name cut to "claude-…t-name")
spread = [c for c in classes if c.get("input_percentiles")]
if spread:
    st.caption("Input tokens per request, by percentile (per-request logs): they price context tiers request by "
               "request.")  # fmt: skip
    rows = [{k: None if v is None else round(v) for k, v in c["input_percentiles"].items()} for c in spread]
    percentiles = pd.DataFrame([{"model": c["name"], **row} for c, row in zip(spread, rows, strict=True)])
    tables.show_table(
        percentiles,
        {k: st.column_config.NumberColumn(format="localized", help=f"The {k} of input tokens per request.")
         for k in percentiles.columns if k != "model"},
        middle=("model",),
    )  # fmt: skip
