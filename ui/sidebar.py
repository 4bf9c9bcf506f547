"""The sidebar every page shares: open, upload, save and share the scenario; export the results."""

from __future__ import annotations

import datetime as dt
import urllib.parse

import streamlit as st

from datafiles import InputError
from reports.exports import as_csv, as_monthly_csv, file_stem
from scenario_io import codec
from tco.risk import risk_pair
from ui import loaders, pair_choice, state
from ui.forms import Download, download
from ui.tables import escape_markdown

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _open_example() -> None:
    name = st.session_state["sidebar.example"]
    path = loaders.bundled_scenarios()[name]
    state.load(codec.from_yaml(path.read_text(encoding="utf-8"), path.name), f"example: {name}")


def _open_upload() -> None:
    upload = st.session_state.get("sidebar.upload")
    if upload is None:
        return
    try:
        mapping = loaders.scenario_from_upload(upload.getvalue(), upload.name)
    except InputError as err:
        st.session_state[state.LOAD_ERROR] = f"{upload.name} was not opened, your scenario is unchanged: {err}"
        return
    state.load(mapping, f"uploaded: {upload.name}")


def share_link(token: str, pair: tuple[str, str] | None = None) -> str:
    """The page's address with the scenario (`s`) and, when the reader chose one, the compared pair (`pair`)."""
    base = (st.context.url or "").split("?")[0]
    return f"{base}?s={token}" + (f"&pair={urllib.parse.quote(','.join(pair))}" if pair else "")


def render() -> None:
    with st.sidebar:
        name = escape_markdown(str(state.data().get("name", "unnamed")))
        st.caption(f"Scenario: **{name}** ({escape_markdown(str(st.session_state[state.SOURCE]))})")
        error = st.session_state.pop(state.LOAD_ERROR, None)
        if error:
            st.error(state.shown(error))
        today = dt.date.today().isoformat()
        analysis = state.analysis(show_error=False)
        if analysis is not None:
            stem = file_stem(analysis.result.scenario, today)
            # read now: a click runs outside
            pair = risk_pair(analysis.result, pair_choice.compared_ids(analysis.result))
            api = pair[1] if pair else None  # the summary compares with the API of the pair on screen
            st.caption("Exports: numbers as numbers, units in the headers")
            downloads = [
                Download("Summary (CSV)", lambda: as_csv(analysis.result, analysis.mix, api), f"{stem}-summary.csv",
                         "text/csv", ":material/table:", "One row per option: costs, fleet, SLO, quality, savings, "
                         "payback, IRR and ROI"),
                Download("Monthly costs (CSV)", lambda: as_monthly_csv(analysis.result), f"{stem}-monthly.csv",
                         "text/csv", ":material/calendar_month:", "Long format: option, month (0: one-time "
                         "costs), period, cost component, usd"),
                Download("Workbook (Excel)", lambda: state.workbook(analysis.key, pair, analysis),
                         f"{stem}.xlsx",
                         XLSX_MIME, ":material/grid_on:", "Summary, monthly cash flow by component, pairs, "
                         "break-even ranges, risk, the best mix when it is on, assumptions"),
            ]  # fmt: skip
            for item in downloads:
                download(item)
        slug = file_stem(str(state.data().get("name") or "scenario"), today)
        st.download_button(
            "Save scenario (YAML)",
            codec.to_yaml(state.data()),
            file_name=f"{slug}.yaml",
            mime="application/x-yaml",
            icon=":material/save:",
            on_click="ignore",
            width="stretch",
        )
        with st.popover("Share a link", icon=":material/link:", width="stretch"):
            st.caption(
                "This link reopens the scenario exactly (the address bar always holds it too). "
                "Uploaded profiles are not inside it: the recipient uploads the same files."
            )
            try:
                link = share_link(codec.to_url_token(state.data()), pair_choice.chosen_pair())
                st.code(link, language=None, wrap_lines=True)
            except InputError as err:
                st.warning(f"No link for this scenario: {state.shown(err)}")
        names = list(loaders.bundled_scenarios())
        st.selectbox(
            "Open an example",
            names,
            index=None,
            placeholder="Choose a bundled scenario…",
            key="sidebar.example",
            on_change=_open_example,
        )
        st.file_uploader(
            "Open a scenario file (YAML)",
            type=["yaml", "yml"],
            key="sidebar.upload",
            on_change=_open_upload,
            help=f"At most {loaders.MAX_UPLOAD_BYTES // 1024} KiB; see scenarios/ for the format.",
        )
