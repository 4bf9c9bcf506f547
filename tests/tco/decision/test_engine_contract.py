"""Every number in docs/formats.md's definitions, pinned against hand arithmetic written out here."""

from __future__ import annotations

import itertools
import json
import math

import numpy_financial as npf
import pytest

from cli.main import main
from tests.conftest import level, run_scenario, simple_profile, write_yaml

HOURS = 730
STAFF = 18_000


def base_scenario(**over):
    scenario = {
        "name": "Worked illustration",
        "horizon_months": 24,
        "start": "2026-12",
        "workload": {
            "requests_per_month": 3_000_000,
            "input_tokens": 2000,
            "output_tokens": 500,
            "cached_input_share": 0.5,
            "peak_to_average": 3,
            "monthly_growth": 0.0,
        },
        "slo": {"ttft_p99_s": 2.0, "itl_p99_s": 0.05},
        "capacity": {"planning_utilization": 0.85, "ha_spare_replicas": 1, "min_replicas": 1},
        "finance": {"discount_rate_annual": 0.08},
        "options": [
            {"id": "api", "kind": "api", "provider": "acme", "model": "flat-3-15", "fixed_usd_per_month": 0},
            {
                "id": "rented",
                "kind": "self_hosted",
                "model": "llama-3.3-70b-instruct",
                "profile": "profile.yaml",
                "usd_per_gpu_hour": 2.5,
                "fixed_usd_per_month": 0,
            },
        ],
    }
    scenario.update(over)
    return scenario


LEVELS = [
    level(3.0, ttft_p99=0.5, itl_p99=0.030, concurrency=4),
    level(6.0, ttft_p99=1.5, itl_p99=0.045, concurrency=8),
    level(9.0, ttft_p99=3.0, itl_p99=0.080, concurrency=16),
    level(12.0, ttft_p99=1.0, itl_p99=0.040, failed=2, concurrency=32),  # failures: never counts
]


def measured_at_workload_shape() -> dict:
    """The sweep was run at the workload's shape, half of each prompt a shared (cached) prefix."""
    profile = simple_profile(LEVELS, gpu_count=2)
    profile["meta"]["cached_input_share"] = 0.5
    return profile


@pytest.fixture
def tmp(tmp_path):
    write_yaml(tmp_path / "profile.yaml", measured_at_workload_shape())
    return tmp_path


def test_api_cost_per_month_and_per_mtok(tmp, catalogues):
    result = run_scenario(tmp, base_scenario(), catalogues)
    api = result.option("api")
    # per request: 1000 uncached x $3 + 1000 cached x $0.30 + 500 out x $15, per million
    per_request = (1000 * 3 + 1000 * 0.3 + 500 * 15) / 1e6
    assert per_request == pytest.approx(0.0108)
    assert api.first_month_cost_usd == pytest.approx(3_000_000 * per_request)  # $32,400
    assert api.usd_per_mtok == pytest.approx(32_400 / (3e6 * 2500 / 1e6))  # $4.32
    assert api.total_cost_usd == pytest.approx(32_400 * 24)
    assert api.usd_per_request == pytest.approx(0.0108)


def test_rented_fleet_replicas_gpus_cost_utilisation(tmp, catalogues):
    result = run_scenario(tmp, base_scenario(), catalogues)
    opt = result.option("rented")
    mean_rps = 3e6 / (HOURS * 3600)
    peak = 3 * mean_rps
    x_star = 6.0  # 9 req/s breaks the TTFT bound; 12 req/s had failures
    replicas = max(1, math.ceil(peak / (0.85 * x_star))) + 1
    assert replicas == 2
    assert opt.replicas_first_month == replicas
    assert opt.gpus_first_month == replicas * 2
    assert opt.first_month_cost_usd == pytest.approx(4 * 2.5 * HOURS)  # $7,300
    assert opt.utilization_first_month == pytest.approx(mean_rps / (replicas * x_star))
    assert opt.replica_req_per_s == pytest.approx(6.0)
    assert opt.slo_met is True
    assert opt.usd_per_mtok == pytest.approx(7300 / 7500)


def test_npv_is_the_annuity_of_a_constant_stream(tmp, catalogues):
    result = run_scenario(tmp, base_scenario(), catalogues)
    r_m = 1.08 ** (1 / 12) - 1
    annuity = 7300 * (1 - (1 + r_m) ** -24) / r_m
    assert result.option("rented").npv_cost_usd == pytest.approx(annuity)
    assert result.option("rented").npv_cost_usd == pytest.approx(-npf.pv(r_m, 24, 7300))


def test_default_staff_cost_applies_when_fixed_cost_not_given(tmp, catalogues):
    scenario = base_scenario()
    for option in scenario["options"]:
        option.pop("fixed_usd_per_month")
    result = run_scenario(tmp, scenario, catalogues)
    assert result.option("api").first_month_cost_usd == pytest.approx(32_400 + 0.05 * STAFF)
    assert result.option("rented").first_month_cost_usd == pytest.approx(7_300 + 0.2 * STAFF)


def test_owned_servers_follow_the_crf_formula(tmp, catalogues):
    own = {
        "server_usd": 370_000,
        "gpus_per_server": 8,
        "power_kw": 7.14,
        "life_years": 4,
        "residual_share": 0.2,
        "pue": 1.3,
        "usd_per_kwh": 0.10,
        "colo_usd_per_kw_month": 200,
        "maintenance_share_per_year": 0.05,
    }
    scenario = base_scenario()
    scenario["options"].append(
        {
            "id": "owned",
            "kind": "self_hosted",
            "model": "llama-3.3-70b-instruct",
            "profile": "profile.yaml",
            "ownership": own,
            "fixed_usd_per_month": 0,
        }
    )
    result = run_scenario(tmp, scenario, catalogues)
    residual = 0.2 * 370_000
    r_m = 1.08 ** (1 / 12) - 1  # monthly compounding, end-of-month payments: the one convention
    capital = 12 * ((370_000 - residual) * -npf.pmt(r_m, 48, 1) + residual * r_m)
    energy = 7.14 * 1.3 * 8760 * 0.10
    colo = 10.2 * 200 * 12  # on the 10.2 kW provisioned (the sheet's nameplate), not the 7.14 kW drawn
    maintenance = 0.05 * 370_000
    servers = math.ceil(4 / 8)
    expected = servers * (capital + energy + colo + maintenance) / 12
    owned = result.option("owned")
    assert owned.first_month_cost_usd == pytest.approx(expected)
    assert owned.breakdown_first_month_usd["capital"] == pytest.approx(capital / 12)
    # cash view: capex in month 0, opex monthly; at the horizon the server's economic value: the present value
    # (numpy-financial's pv) of the 24 capital charges still due and of the residual at month 48
    # is the terminal value, reported apart and never inside the cash flows or the cash payback
    cash = owned.cash_flow_usd
    assert cash[0] == pytest.approx(370_000)
    value_after_24 = -npf.pv(r_m, 24, capital / 12, residual)
    opex = (energy + colo + maintenance) / 12
    assert cash[-1] == pytest.approx(opex) and owned.terminal_value_usd == pytest.approx(value_after_24)
    assert len(cash) == 25
    # accounting view: straight-line depreciation of the server in service, (370,000 - 74,000) / 48 a month
    assert owned.depreciation_usd == pytest.approx([296_000 / 48] * 24)
    assert owned.accounting_cost_usd[0] == pytest.approx((296_000 / 48 * 12 + energy + colo + maintenance) / 12)
    assert owned.npv_cash_usd == pytest.approx(npf.npv(r_m, cash) - value_after_24 / (1 + r_m) ** 24)
    assert owned.npv_cash_usd == pytest.approx(owned.npv_cost_usd)  # one terminal-value assumption in both views
    # cash payback against the API ($32,400 a month): 370,000 / (32,400 - opex), rounded up, no terminal value
    pair = next(b for b in result.break_even if (b.self_hosted, b.api) == ("owned", "api"))
    assert pair.cash_payback_month == math.ceil(370_000 / (32_400 - opex))
    # discounted payback, on cash too (never before the cash payback): the first month whose discounted savings,
    # numpy-financial's npv of the months so far at the monthly rate, repay the 370,000
    discounted = next(t for t in range(1, 25) if npf.npv(r_m, [0.0, *[32_400 - opex] * t]) >= 370_000)
    assert pair.discounted_payback_month == discounted >= pair.cash_payback_month
    assert pair.terminal_value_usd == pytest.approx(value_after_24)
    flows = [-370_000, *[32_400 - opex] * 23, 32_400 - opex + value_after_24]
    assert pair.irr == pytest.approx((1 + npf.irr(flows)) ** 12 - 1)
    assert pair.roi == pytest.approx(sum(flows) / 370_000)
    assert pair.roi_without_terminal_value == pytest.approx((sum(flows) - value_after_24) / 370_000)


def test_whole_instances_are_billed(tmp, catalogues):
    """4 GPUs from an offer sold in 8-GPU instances bill 8 GPUs (never a fractional instance)."""
    offer = min(catalogues.gpus.get("H100").offers_for("reserved_1y"), key=lambda o: o.usd_per_gpu_hour)
    scenario = base_scenario()
    scenario["options"][1] = {
        "id": "rented",
        "kind": "self_hosted",
        "model": "llama-3.3-70b-instruct",
        "profile": "profile.yaml",
        "gpu": "H100",
        "term": "reserved_1y",
        "fixed_usd_per_month": 0,
    }
    result = run_scenario(tmp, scenario, catalogues)
    assert offer.gpus_per_instance == 8
    assert result.option("rented").gpus_first_month == 4
    assert result.option("rented").first_month_cost_usd == pytest.approx(8 * offer.usd_per_gpu_hour * HOURS)
    # break-even utilisation on what is billed, fixed costs included: the fleet costs what the API charges
    pair = next(b for b in result.break_even if b.api == "api")
    fleet = 8 * offer.usd_per_gpu_hour * HOURS
    assert pair.break_even_utilization == pytest.approx(fleet * 1e6 / (4 * 6.0 * 2500 * 3600 * HOURS * 4.32))
    # billed 8, serving 4: utilisation is measured on the 8 paid for (4 replicas' worth of X* = 6 req/s)
    assert result.option("rented").gpus_billed_first_month == 8
    mean_rps = 3e6 / (HOURS * 3600)
    assert result.option("rented").utilization_first_month == pytest.approx(mean_rps / (8 / 2 * 6.0))


def test_no_level_meets_slo_reports_cost_and_flag(tmp, catalogues):
    result = run_scenario(tmp, base_scenario(slo={"ttft_p99_s": 0.1}), catalogues)
    opt = result.option("rented")
    assert opt.slo_met is False
    # sized at the best failure-free level (9 req/s): ceil(3.42 / (0.85 x 9)) + 1 = 2 replicas
    assert opt.first_month_cost_usd == pytest.approx(7300)
    assert any("SLO NOT MET" in n for n in opt.notes)


def test_growth_and_api_price_decline(tmp, catalogues):
    scenario = base_scenario(finance={"discount_rate_annual": 0.08, "api_price_decline_annual": 0.5})
    scenario["workload"]["monthly_growth"] = 0.05
    result = run_scenario(tmp, scenario, catalogues)
    month12 = result.option("api").monthly_cost_usd[12]
    assert month12 == pytest.approx(3e6 * 1.05**12 * 0.0108 * 0.5)
    rented = result.option("rented").monthly_cost_usd
    requests = 3e6 * 1.05**23
    replicas = max(1, math.ceil(3 * requests / (HOURS * 3600) / (0.85 * 6))) + 1
    assert rented[23] == pytest.approx(replicas * 2 * 2.5 * HOURS)


def test_request_classes_share_replica_time(tmp, catalogues):
    write_yaml(
        tmp / "profile.yaml",
        simple_profile(
            [level(6.0, 1.0, 0.04, shape=(2000, 500)), level(2.0, 1.0, 0.04, shape=(8000, 1000))], gpu_count=2
        ),
    )
    scenario = base_scenario()
    scenario["workload"] = {
        "requests_per_month": 20_000_000,
        "peak_to_average": 2,
        "classes": [
            {"name": "chat", "share": 0.75, "input_tokens": 2000, "output_tokens": 500},
            {"name": "rag", "share": 0.25, "input_tokens": 8000, "output_tokens": 1000},
        ],
    }
    result = run_scenario(tmp, scenario, catalogues)
    x_mix = 1 / (0.75 / 6.0 + 0.25 / 2.0)
    peak = 2 * 20e6 / (HOURS * 3600)
    assert result.option("rented").replicas_first_month == math.ceil(peak / (0.85 * x_mix)) + 1


def test_unmeasured_shape_is_modelled_and_labelled(tmp, catalogues):
    """1,000 input tokens were never measured: X* comes from the fitted model, said so in the result."""
    scenario = base_scenario()
    scenario["workload"]["input_tokens"] = 1000
    result = run_scenario(tmp, scenario, catalogues)
    opt = result.option("rented")
    assert opt.capacity["method"] == "modelled" and opt.capacity["expected_error"] >= 0.25
    assert any(n.startswith("modelled: 1,000 in / 500 out") for n in opt.notes)
    # fewer tokens to prefill and a shorter context: more requests/s than the measured 6.0 at 2,000 in
    assert opt.replica_req_per_s > 6.0


def test_break_even_crossing_matches_brute_force(tmp, catalogues):
    result = run_scenario(tmp, base_scenario(), catalogues)
    pair = next(b for b in result.break_even if b.self_hosted == "rented" and b.api == "api")

    def self_cost(v: float) -> float:  # hand formula, written out
        replicas = max(1, math.ceil(3 * v / (HOURS * 3600) / (0.85 * 6) - 1e-9)) + 1
        return replicas * 2 * 2.5 * HOURS

    grid = [10 ** (k / 2000) for k in range(4000, 20000)]
    brute = [b for a, b in itertools.pairwise(grid) if (self_cost(a) > 0.0108 * a) != (self_cost(b) > 0.0108 * b)]
    assert len(pair.crossings) == len(brute) >= 1
    for found, expected in zip(pair.crossings, brute, strict=True):
        assert found.requests_per_month == pytest.approx(expected, rel=2e-3)
    first = pair.crossings[0]
    assert first.self_hosted_cheaper_above is True
    # only the fixed fleet (2 replicas) matters at the first crossing: 7300 / 0.0108 requests
    assert first.requests_per_month == pytest.approx(7300 / 0.0108, rel=1e-6)


def test_payback_and_break_even_utilisation(tmp, catalogues):
    scenario = base_scenario()
    scenario["options"][1]["implementation_usd"] = 100_000
    result = run_scenario(tmp, scenario, catalogues)
    pair = next(b for b in result.break_even if b.api == "api")
    monthly_saving = 32_400 - 7_300
    assert pair.payback_month == math.ceil(100_000 / monthly_saving)
    # u* = replica $/h x 1e6 / (X* x tokens/request x 3600 x API $/Mtok)
    assert pair.break_even_utilization == pytest.approx((2 * 2.5) * 1e6 / (6 * 2500 * 3600 * 4.32))


def test_json_contract_fields(tmp, catalogues, capsys):
    write_yaml(
        tmp / "overrides.yaml",
        {
            "overrides_version": 1,
            "overrides": [
                {
                    "provider": "acme",
                    "model": "flat-3-15",
                    "input_usd_per_mtok": 3,
                    "output_usd_per_mtok": 15,
                    "cache_read_usd_per_mtok": 0.3,
                    "source": "test",
                    "as_of": "2026-11-29",
                }
            ],
        },
    )
    path = write_yaml(tmp / "scenario.yaml", base_scenario(api_overrides="overrides.yaml"))
    assert main(["compare", str(path), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["scenario"] == "Worked illustration"
    api = next(o for o in doc["options"] if o["id"] == "api")
    for key in (
        "id",
        "kind",
        "first_month_cost_usd",
        "total_cost_usd",
        "usd_per_mtok",
        "monthly_cost_usd",
        "replicas_first_month",
        "gpus_first_month",
        "slo_met",
        "npv_cost_usd",
        "notes",
    ):
        assert key in api
    assert api["kind"] == "api" and api["replicas_first_month"] is None
    assert api["first_month_cost_usd"] == pytest.approx(32_400)
    assert doc["break_even"] and "assumptions" in doc
    assert doc["assumptions"]["price_data"].startswith("genai-prices")
    assert 0 <= doc["risk"]["p_self_host_cheaper"] <= 1


def test_running_costs_and_staff_that_scales_with_the_fleet(tmp, catalogues):
    """Licences per GPU-year, storage, egress per streamed byte and one FTE per 8 GPUs, by hand."""
    scenario = base_scenario()
    scenario["finance"]["gpus_per_ops_fte"] = 8
    scenario["options"][1]["running_costs"] = {
        "license_usd_per_gpu_year": 4500,  # NVIDIA AI Enterprise list price
        "storage_usd_per_month": 300,
        "egress_usd_per_gb": 0.09,
        "egress_bytes_per_output_token": 200,
    }
    result = run_scenario(tmp, scenario, catalogues)
    rented = result.option("rented")
    gpus = 4  # 2 replicas (1 + 1 spare) x 2 GPUs
    parts = {
        "gpu_rental": gpus * 2.5 * HOURS,
        "staff_scaling": gpus / 8 * STAFF,
        "licences": gpus * 4500 / 12,
        "storage": 300,
        "egress": 3_000_000 * 500 * 200 / 1e9 * 0.09,  # $27: 300 GB out
    }
    for name, value in parts.items():
        assert rented.breakdown_first_month_usd[name] == pytest.approx(value), name
    assert rented.first_month_cost_usd == pytest.approx(sum(parts.values()))
    # the egress is linear in volume: the break-even line is the API's price less it
    pair = next(b for b in result.break_even if b.self_hosted == "rented")
    fleet = sum(v for k, v in parts.items() if k != "egress")
    assert pair.crossings[0].requests_per_month == pytest.approx(fleet / (0.0108 - 500 * 200 / 1e9 * 0.09), rel=1e-6)
