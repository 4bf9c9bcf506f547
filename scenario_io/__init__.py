"""Read a scenario file and resolve everything it names into engine inputs (the I/O edge)."""

from scenario_io.loader import Catalogues, load_catalogues, load_inputs, load_scenario, resolve_scenario

__all__ = ["Catalogues", "load_catalogues", "load_inputs", "load_scenario", "resolve_scenario"]
