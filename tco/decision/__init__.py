"""The answer: the quality gate and cost of pass, `evaluate` (every option through capacity, cost, finance),
the verdict in words, and what-if cases.

May import: every other room; only this room sees them all.
"""

from tco.decision.evaluate import evaluate
from tco.decision.quality import assess, cost_of_pass, cost_of_pass_interval, pareto_front
from tco.decision.verdict import decide, fleet_text, mean_monthly_usd, status, verdict
from tco.decision.what_if import DeclineCase, api_decline_cases

__all__ = [
    "DeclineCase",
    "api_decline_cases",
    "assess",
    "cost_of_pass",
    "cost_of_pass_interval",
    "decide",
    "evaluate",
    "fleet_text",
    "mean_monthly_usd",
    "pareto_front",
    "status",
    "verdict",
]
