"""The cheapest mix of options: route each request class, cover the base with committed capacity, send the
peaks to an API or on-demand GPUs, mix the terms, cascade — one mixed-integer programme (HiGHS).

May import: every other room (it evaluates each request class alone with `tco.decision`).
"""

from tco.portfolio.menu import build_menu, restricted
from tco.portfolio.milp import solve
from tco.portfolio.mix import best_mix

__all__ = ["best_mix", "build_menu", "restricted", "solve"]
