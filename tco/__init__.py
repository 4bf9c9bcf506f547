"""The pure cost engine: data in, data out. No Streamlit, no network, no file I/O here.

A scenario flows through rooms, each a sub-package that imports only the rooms before it
(tests/tco/test_engine_rooms.py holds the order and each room's public names):

    records   the scenario, its options and the results, as frozen records
    workload  usage summed into the demand a scenario asks for
    capacity  requests/s per replica within the SLO at the workload's shape
    finance   discounting, commitments, the monthly projection, break-even
    cost      what each option costs: API tokens, rented and owned GPUs, distillation
    risk      Monte Carlo, tornado, the risk report of a pair
    decision  the quality gate, `evaluate`, the verdict, what-if cases
"""

from tco.decision.evaluate import evaluate
from tco.records.inputs import ResolvedApi, ResolvedSelfHosted, ScenarioInputs
from tco.records.results import BreakEven, Crossing, OptionResult, ScenarioResult
from tco.records.scenario import Scenario
from tco.risk.report import RiskReport, headline_pair, risk_report

__all__ = [
    "BreakEven",
    "Crossing",
    "OptionResult",
    "ResolvedApi",
    "ResolvedSelfHosted",
    "RiskReport",
    "Scenario",
    "ScenarioInputs",
    "ScenarioResult",
    "evaluate",
    "headline_pair",
    "risk_report",
]
