"""What a scenario says and what the engine answers, as frozen records: units with their bounds, the scenario
(workload, options, SLO, finance, uncertainty), a request class's spread of input lengths, the resolved
inputs, the results, the SLO presets and the defaults' sources.

May import: nothing of the engine (pricing's and profiling's records only). Every other room builds on it.
"""

from tco.records.assumptions import CapacityPolicy, Finance, Uncertainty
from tco.records.defaults import DEFAULT_SOURCES
from tco.records.inputs import (
    ReferenceProfile,
    ResolvedApi,
    ResolvedDistillation,
    ResolvedOption,
    ResolvedSelfHosted,
    ScenarioInputs,
)
from tco.records.option_specs import (
    ApiOption,
    DistilledOption,
    DistillProject,
    Option,
    Ownership,
    RunningCosts,
    SelfHostedOption,
    Serving,
    Student,
    TaskFit,
)
from tco.records.results import BreakEven, Crossing, OptionError, OptionResult, ScenarioResult, rank_key, recommendable
from tco.records.scenario import MAX_PEAK_TO_AVERAGE, QualityGate, RequestClass, Scenario, Slo, Workload
from tco.records.size_distribution import NEAR_TIER, distribution_mean, longest_input, pieces
from tco.records.slo_presets import PRESETS, preset
from tco.records.units import HOURS_PER_MONTH, Count, Kw, NonNegative, Seconds, Share, Term, Tokens, Usd, Volume

__all__ = [
    "DEFAULT_SOURCES",
    "HOURS_PER_MONTH",
    "MAX_PEAK_TO_AVERAGE",
    "NEAR_TIER",
    "PRESETS",
    "ApiOption",
    "BreakEven",
    "CapacityPolicy",
    "Count",
    "Crossing",
    "DistillProject",
    "DistilledOption",
    "Finance",
    "Kw",
    "NonNegative",
    "Option",
    "OptionError",
    "OptionResult",
    "Ownership",
    "QualityGate",
    "ReferenceProfile",
    "RequestClass",
    "ResolvedApi",
    "ResolvedDistillation",
    "ResolvedOption",
    "ResolvedSelfHosted",
    "RunningCosts",
    "Scenario",
    "ScenarioInputs",
    "ScenarioResult",
    "Seconds",
    "SelfHostedOption",
    "Serving",
    "Share",
    "Slo",
    "Student",
    "TaskFit",
    "Term",
    "Tokens",
    "Uncertainty",
    "Usd",
    "Volume",
    "Workload",
    "distribution_mean",
    "longest_input",
    "pieces",
    "preset",
    "rank_key",
    "recommendable",
]
