"""The pure cost engine: data in, data out. No Streamlit, no network, no file I/O here."""

from tco.evaluate import evaluate
from tco.inputs import ResolvedApi, ResolvedSelfHosted, ScenarioInputs
from tco.results import BreakEven, Crossing, OptionResult, ScenarioResult
from tco.risk import RiskReport, headline_pair, risk_report
from tco.scenario import Scenario

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
