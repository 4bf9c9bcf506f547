"""Streamlit entry point: page config and navigation only (pages live in app_pages/)."""

import streamlit as st

st.set_page_config(page_title="Inference ROI", page_icon=":material/calculate:", layout="wide")
page = st.navigation([st.Page("app_pages/compare.py", title="Compare", icon=":material/compare_arrows:", default=True)])
page.run()
