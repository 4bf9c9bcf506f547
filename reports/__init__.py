"""What both front ends present, built once: the ranking and its words (`ranking`), and the exports a finance
reader takes away — summary and monthly CSV, the Excel workbook, the assumptions (`exports`).

Below `cli/` and `ui/`, above the engine: may import tco, datafiles; never streamlit, argparse or cli
(tests/project/test_layering.py).
"""
