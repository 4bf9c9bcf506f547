"""Streamlit entry point: page config, the session's scenario, the shared sidebar and navigation."""

import contextlib

import streamlit as st

from ui import startup_gate

startup_gate.wait_for_start_up_imports()  # the server's start-up thread may be importing these right now
from ui import sidebar, state  # noqa: E402
from ui.favicon import favicon  # noqa: E402

st.set_page_config(page_title="Inference ROI", page_icon=favicon(), layout="wide")  # drawn here: no font fetched
pages = [
    st.Page("app_pages/compare.py", title="Compare", icon=":material/compare_arrows:", default=True),
    st.Page("app_pages/usage.py", title="Usage", icon=":material/receipt_long:"),
    st.Page("app_pages/breakeven.py", title="Break-even & ROI", icon=":material/trending_down:"),
    st.Page("app_pages/throughput.py", title="Throughput", icon=":material/speed:"),
    st.Page("app_pages/risk.py", title="Risk", icon=":material/casino:"),
    st.Page("app_pages/quality.py", title="Quality", icon=":material/verified:"),
    st.Page("app_pages/prices.py", title="Prices", icon=":material/sell:"),
]
page = st.navigation(pages)
# less blank space above the page on a laptop screen (Streamlit's default top padding is 6rem),
# and the verdict's four figures a size smaller, so the ranked table starts on a 1280×720 first screen
st.html(
    "<style>.stMainBlockContainer { padding: 2.5rem 3rem 4rem; }"
    " .st-key-verdict [data-testid=stMetricValue] { font-size: 1.8rem; }"
    # a long pick, and a figure's label, wrap rather than end in "…" ("qwen3-235b-fireworks saves (NPV)" was cut at
    # 1280 px), inside an id too: an 80-character id has no space to break at (a reviewer)
    " .st-key-pick-long [data-testid=stMetricValue] { font-size: 1.3rem; }"
    " .st-key-pick-long [data-testid=stMetricValue], .st-key-pick-long [data-testid=stMetricValue] *,"
    " .st-key-verdict [data-testid=stMetricLabel] .stMarkdownEllipsis, .st-key-verdict [data-testid=stMetricLabel] p"
    " { white-space: normal; overflow: visible; text-overflow: clip; overflow-wrap: anywhere; }"
    "</style>"
)
state.ensure_loaded()
with contextlib.suppress(state.PageEnd):  # a page with nothing more to show: the sidebar and the link still follow
    page.run()
sidebar.render()  # after the page: saves, links and exports hold this run's edits
state.sync_url()
