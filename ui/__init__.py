"""Streamlit and plotly helpers: cached loaders, tables, charts. Pages stay thin."""
