"""The `inference-roi` command line: a thin front over scenario_io, tco and pricing."""
