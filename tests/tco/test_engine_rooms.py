"""The engine's rooms (tco/*/): each imports only the rooms below it, no module imports another's private name,
no two modules import each other (directly or round a longer circle), and each room's public names change only
on purpose — this list is edited with them (httpx's habit)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from tests.conftest import ROOT

ROOMS = ("records", "workload", "capacity", "finance", "cost", "risk", "decision", "portfolio")
"""Bottom to top: a module of a room may import its own room and the rooms before it."""

PUBLIC = {
    "records": (
        "ApiOption",
        "BreakEven",
        "CapacityPolicy",
        "Count",
        "Crossing",
        "DEFAULT_SOURCES",
        "DistillProject",
        "DistilledOption",
        "Finance",
        "HOURS_PER_MONTH",
        "Kw",
        "MAX_PEAK_TO_AVERAGE",
        "NEAR_TIER",
        "NonNegative",
        "Option",
        "OptionError",
        "OptionResult",
        "Ownership",
        "PRESETS",
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
    ),
    "workload": (
        "ASSUMED_OUTPUT_TOKENS_PER_REQUEST",
        "TokenPercentiles",
        "UsageBucket",
        "UsageSummary",
        "growth_per_month",
        "month_key",
        "summarise",
    ),
    "capacity": (
        "Calibration",
        "Capacity",
        "DECODE_CONTEXT_TOKENS",
        "Layout",
        "MemoryFit",
        "OFFLINE",
        "ONE_SHAPE_ERROR",
        "PerfModel",
        "ProfileView",
        "ReplicaCapacity",
        "SERVING",
        "SHAPE_TOLERANCE",
        "Shape",
        "bytes_per_param",
        "capacity_at_slo",
        "card_fit",
        "combine_classes",
        "default_precision",
        "estimated_capacity",
        "estimated_model",
        "fit_profile",
        "gpu_ceiling",
        "group_levels",
        "kv_bytes_per_sequence",
        "layout_for",
        "level_checks",
        "level_shape",
        "matching_group",
        "memory_fit",
        "nnls_small",
        "profile_view",
        "replica_capacity",
        "smallest_layout",
        "workload_shape",
    ),
    "finance": (
        "Drivers",
        "OptionModel",
        "Projection",
        "SECONDS_PER_MONTH",
        "Setting",
        "VOLUME_RANGE",
        "break_even_utilization",
        "committed_units",
        "cost_curves",
        "costs_at_volume",
        "crossings",
        "decline_path",
        "discount_factors",
        "horizon_crossings",
        "investment_flows",
        "irr_annual",
        "monthly_rate",
        "npv",
        "npv_reference",
        "payback_month",
        "project",
        "reachable_utilization",
        "requests_series",
        "roi",
        "tranches",
    ),
    "cost": (
        "COMPONENTS",
        "MFU_FULL_DENSE",
        "OptionSetup",
        "ProjectCost",
        "Reconciliation",
        "RequestCost",
        "ServerYear",
        "api_training",
        "default_mfu",
        "economic_value",
        "gpu_training",
        "mean_request_cost",
        "memory_floor_bytes",
        "min_gpus",
        "monthly_components",
        "owned_server_year",
        "price_request",
        "project_fields",
        "reconcile",
        "self_hosted_usd_per_mtok",
        "setup_options",
        "training_flops",
    ),
    "risk": (
        "MAX_DECLINE",
        "MonteCarloResult",
        "PUBLISHED_SD",
        "RiskReport",
        "Tornado",
        "draw_drivers",
        "headline_pair",
        "option_throughput_sds",
        "risk_pair",
        "risk_report",
        "run_monte_carlo",
        "throughput_sd",
        "tornado",
        "uncertainty_ranges",
    ),
    "decision": (
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
    ),
    "portfolio": ("best_mix", "build_menu", "restricted", "solve"),
}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted((ROOT / "tco").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module imported, names taken) for every import in the file, function-level ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((a.name, []) for a in node.names)
    return found


def _room(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "tco" and parts[1] in ROOMS else None


def test_every_engine_module_lives_in_a_room():
    loose = [m for m in _modules() if m != "tco" and _room(m) is None]
    assert loose == [], "put these in a room (tco/<room>/): " + ", ".join(loose)


@pytest.mark.parametrize("room", ROOMS)
def test_a_room_imports_only_the_rooms_below_it(room):
    allowed = set(ROOMS[: ROOMS.index(room) + 1])
    for module, path in _modules().items():
        if _room(module) != room:
            continue
        for imported, _ in _imports(path):
            target = _room(imported)
            if imported.startswith("tco"):
                assert target in allowed, f"{module} imports {imported}: {room} may import only {sorted(allowed)}"


def test_no_module_imports_a_private_name_of_another():
    for package in ("tco", "scenario_io", "usage", "evals", "pricing", "profiling", "datafiles", "models", "cli", "ui"):
        for path in (ROOT / package).rglob("*.py"):
            for imported, names in _imports(path):
                private = [n for n in names if n.startswith("_") and not n.startswith("__")]
                assert not private, f"{path.relative_to(ROOT)} imports {private} from {imported}"


def test_no_circle_of_imports_in_the_engine():
    modules = _modules()
    graph = {m: set() for m in modules}
    for module, path in modules.items():
        for imported, names in _imports(path):
            for candidate in (imported, *(f"{imported}.{n}" for n in names)):
                if candidate in modules and candidate != module and modules[candidate].name != "__init__.py":
                    graph[module].add(candidate)
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                raise AssertionError("import circle: " + " -> ".join([*trail[trail.index(nxt) :], nxt]))
            if nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for module in graph:
        if module not in state:
            visit(module, [module])


@pytest.mark.parametrize("room", ROOMS)
def test_each_room_says_what_it_owns_and_keeps_its_public_names(room):
    package = importlib.import_module(f"tco.{room}")
    assert package.__doc__ and "May import:" in package.__doc__
    assert tuple(sorted(package.__all__)) == PUBLIC[room], f"tco.{room}'s public names changed: edit PUBLIC on purpose"
    for name in package.__all__:
        assert hasattr(package, name), name
