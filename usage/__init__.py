"""Usage and billing exports → hourly usage per model → a workload (README, "Usage exports"), read by DuckDB."""
