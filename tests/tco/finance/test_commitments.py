"""Commitments grow but never shrink before their term or life ends; owned servers are replaced at end of life."""

from __future__ import annotations

import math

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tco.finance.commitments import after_horizon, committed_units
from tests.conftest import run_scenario, write_yaml
from tests.tco.decision.test_engine_contract import HOURS, base_scenario, measured_at_workload_shape

OWN = {"server_usd": 370_000, "gpus_per_server": 2, "power_kw": 2.0, "life_years": 2, "residual_share": 0.2,
       "pue": 1.3, "usd_per_kwh": 0.10, "colo_usd_per_kw_month": 200, "maintenance_share_per_year": 0.05}  # fmt: skip


def _scenario(option: dict, growth: float, months: int) -> dict:
    scenario = base_scenario(horizon_months=months)
    scenario["workload"] = {**scenario["workload"], "requests_per_month": 30_000_000, "monthly_growth": growth}
    scenario["options"][1] = {"id": "hosted", "kind": "self_hosted", "model": "llama-3.3-70b-instruct",
                              "profile": "profile.yaml", "fixed_usd_per_month": 0, **option}  # fmt: skip
    return scenario


def _needed(requests: float) -> int:
    """Replicas at X* = 6 req/s (the contract profile), peak 3x, planning 0.85, N+1; 2 GPUs each."""
    return max(1, math.ceil(3 * requests / (HOURS * 3600) / (0.85 * 6.0) - 1e-9)) + 1


def test_a_three_year_reservation_does_not_shrink_with_demand(tmp_path, catalogues):
    write_yaml(tmp_path / "profile.yaml", measured_at_workload_shape())
    offer = min(catalogues.gpus.get("H100").offers_for("reserved_3y"), key=lambda o: o.usd_per_gpu_hour)
    option = {"gpu": "H100", "term": "reserved_3y", "offer_provider": offer.provider}
    result = run_scenario(tmp_path, _scenario(option, -0.05, 40), catalogues)
    hosted = result.option("hosted")
    gpus0 = _needed(30e6) * 2
    instances0 = math.ceil(gpus0 / offer.gpus_per_instance)
    first = instances0 * offer.gpus_per_instance * offer.usd_per_gpu_hour * HOURS
    assert hosted.monthly_cost_usd[:36] == pytest.approx([first] * 36)  # held for the whole term
    shrunk = math.ceil(_needed(30e6 * 0.95**36) * 2 / offer.gpus_per_instance)
    assert hosted.monthly_cost_usd[36] == pytest.approx(shrunk * offer.gpus_per_instance * offer.usd_per_gpu_hour
                                                        * HOURS)  # fmt: skip
    assert hosted.commitments[0] == {"start_month": 0, "end_month": 35, "units": instances0}


def test_owned_servers_are_replaced_at_end_of_life_in_both_views(tmp_path, catalogues):
    """Two-year life over five years of flat demand: bought in month 0, replaced for months 24 and 48 (paid at
    the end of months 23 and 47, the retired servers sold at their 20 % residual), the last set's economic value
    at month 60 the terminal value."""
    write_yaml(tmp_path / "profile.yaml", measured_at_workload_shape())
    result = run_scenario(tmp_path, _scenario({"ownership": OWN}, 0.0, 60), catalogues)
    hosted = result.option("hosted")
    servers = _needed(30e6)  # 2 GPUs per replica, 2 GPUs per server
    assert [c["start_month"] for c in hosted.commitments] == [0, 24, 48]
    assert all(c["units"] == servers for c in hosted.commitments)
    cash = np.array(hosted.cash_flow_usd)
    # colocation on the provisioned power, the nameplate that a 2.0 kW average draw implies at load factor 0.7
    opex = (2.0 * 1.3 * 8760 * 0.10 + 2.0 / 0.7 * 200 * 12 + 0.05 * 370_000) / 12 * servers
    assert cash[0] == pytest.approx(servers * 370_000)
    for month in (24, 48):  # flow index = month: the purchase for that month is paid at the end of the one before
        assert cash[month] == pytest.approx(opex + servers * (370_000 - 0.2 * 370_000))
    assert cash[1] == pytest.approx(opex) and cash[60] == pytest.approx(opex)
    # the terminal value is the servers' economic value with 12 of 24 months left: the present value (numpy-
    # financial's pv) of the 12 capital charges still due and of the 20 % residual at end of life
    r_m = 1.08 ** (1 / 12) - 1
    charge = (370_000 - 0.2 * 370_000) * r_m / (1 - (1 + r_m) ** -24) + 0.2 * 370_000 * r_m
    economic = -npf.pv(r_m, 12, charge, 0.2 * 370_000)
    assert hosted.terminal_value_usd == pytest.approx(servers * economic)
    # one assumption in both views: the cash NPV (purchases, sales, terminal value) equals the P&L NPV
    assert hosted.npv_cash_usd == pytest.approx(hosted.npv_cost_usd, rel=1e-9)
    # P&L view: the same annuity every month of all five years (the old cash view stopped buying at month 24)
    assert np.ptp(hosted.monthly_cost_usd) == pytest.approx(0, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=40), st.integers(1, 12))
def test_committed_units_cover_the_need_and_only_change_at_tranche_ends(needed, term):
    need = np.array(needed, dtype=float)
    billed, started, ended = committed_units(need, term)
    assert np.all(billed >= need)
    drops = np.nonzero(np.diff(billed) < 0)[0] + 1
    assert np.all(ended[drops] > 0)  # billed units fall only when a tranche ends
    assert np.allclose(np.cumsum(started - ended), billed)


def _tranches_month_by_month(need: np.ndarray, term: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rule as the module states it, one month at a time, one row at a time: units alive fall by the tranches
    that end this month; a need above them starts a tranche of the difference, which ends `term` months later."""
    billed, started, ended = (np.zeros_like(need) for _ in range(3))
    for row in np.ndindex(need.shape[:-1]):
        ends = [0.0] * (need.shape[-1] + term)
        alive = 0.0
        for t, units in enumerate(need[row]):
            alive -= ends[t]
            new = max(units - alive, 0.0)
            alive += new
            ends[t + term] += new
            billed[row][t], started[row][t], ended[row][t] = alive, new, ends[t]
    return billed, started, ended


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.floats(-2, 50, allow_nan=False), min_size=1, max_size=70), min_size=1, max_size=3).map(
        lambda rows: np.array([r + [0.0] * (max(map(len, rows)) - len(r)) for r in rows])
    ),
    st.integers(1, 80),
)
def test_committed_units_agree_with_the_rule_written_out_month_by_month(need, term):
    """`committed_units` works on whole rows at once (and as a running peak where no term ends inside the horizon);
    the rule written out month by month, row by row, in plain floats gives the same billed, started and ended units
    for any need (negative ones too) and term."""
    for got, expected in zip(committed_units(need, term), _tranches_month_by_month(need, term), strict=True):
        assert np.allclose(got, expected, atol=1e-9)
    for got, expected in zip(committed_units(need[0], term), _tranches_month_by_month(need[:1], term), strict=True):
        assert np.allclose(got, expected[0], atol=1e-9)  # one row: the last axis alone


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 20, allow_nan=False), min_size=1, max_size=40), st.integers(1, 48), st.floats(0.9, 1.0))
def test_commitments_after_the_horizon_are_each_tranches_months_beyond_it(needed, term, discount):
    """Each tranche started in month t (0-based) of a T-month horizon runs T − t − term months past it, each paid at
    the end of month T + k and discounted d^(T + k): summed here tranche by tranche."""
    need = np.array(needed)
    _, started, _ = _tranches_month_by_month(need[None, :], term)
    months = need.size
    nominal = present = 0.0
    for t, units in enumerate(started[0]):
        for k in range(1, t + term - months + 1):
            nominal += units * 1000.0
            present += units * 1000.0 * discount ** (months + k)
    got = after_horizon(need, term, 1000.0, discount)
    assert float(got[0]) == pytest.approx(nominal, rel=1e-9, abs=1e-6)
    assert float(got[1]) == pytest.approx(present, rel=1e-9, abs=1e-6)


@pytest.mark.parametrize("fixed", [0, 20_000, 60_000])
def test_break_even_utilisation_agrees_with_the_costs(tmp_path, catalogues, fixed):
    """Below u* the fleet costs more than the API in month 1, above it less: fixed costs and whole instances
    included (the old definition left both out and could contradict the costs)."""
    write_yaml(tmp_path / "profile.yaml", measured_at_workload_shape())
    option = {"gpu": "H100", "term": "reserved_1y", "fixed_usd_per_month": fixed}
    result = run_scenario(tmp_path, _scenario(option, 0.0, 12), catalogues)
    hosted, api = result.option("hosted"), result.option("api")
    pair = next(b for b in result.break_even if (b.self_hosted, b.api) == ("hosted", "api"))
    dearer = hosted.first_month_cost_usd > api.first_month_cost_usd
    assert dearer == (hosted.utilization_first_month < pair.break_even_utilization)
    # and u / u* is exactly the API's cost over the fleet's
    ratio = hosted.utilization_first_month / pair.break_even_utilization
    assert ratio == pytest.approx(api.first_month_cost_usd / hosted.first_month_cost_usd)


def test_the_offer_is_chosen_by_the_fleets_total_not_the_price_per_gpu_hour(tmp_path, catalogues):
    """4 GPUs on demand: Lambda's $2.99 comes in 8-GPU instances (8 × 2.99 × 730 = $17,462 a month), RunPod's
    $4.76 by the GPU (4 × 4.76 × 730 = $13,899): RunPod is chosen, and the note says why."""
    write_yaml(tmp_path / "profile.yaml", measured_at_workload_shape())
    scenario = base_scenario(horizon_months=12)
    scenario["options"][1] = {"id": "hosted", "kind": "self_hosted", "model": "llama-3.3-70b-instruct",
                              "profile": "profile.yaml", "gpu": "H100", "term": "on_demand",
                              "fixed_usd_per_month": 0}  # fmt: skip
    hosted = run_scenario(tmp_path, scenario, catalogues).option("hosted")
    offers = {o.provider: o for o in catalogues.gpus.get("H100").offers_for("on_demand")}
    runpod, lambda_ = offers["RunPod (pods, SXM)"], offers["Lambda"]
    assert (
        4 * runpod.usd_per_gpu_hour < 8 * lambda_.usd_per_gpu_hour
        and lambda_.usd_per_gpu_hour < runpod.usd_per_gpu_hour
    )
    assert hosted.gpus_billed_first_month == 4
    assert hosted.first_month_cost_usd == pytest.approx(4 * runpod.usd_per_gpu_hour * HOURS)
    assert "RunPod" in hosted.label
    assert any("offer RunPod (pods, SXM) chosen" in n and "cheapest per GPU-hour" in n for n in hosted.notes)


def test_licences_and_fleet_staff_survive_the_choice_of_offer(tmp_path, catalogues):
    """H100 on demand has several offers: whichever wins, its instance still pays the per-GPU licence and the staff
    that grows with the fleet (before, choosing among offers rebuilt the unit cost as the rent alone)."""
    write_yaml(tmp_path / "profile.yaml", measured_at_workload_shape())
    option = {"gpu": "H100", "term": "on_demand", "running_costs": {"license_usd_per_gpu_year": 4_500}}
    scenario = _scenario(option, 0.0, 12)
    scenario["finance"] = {**scenario.get("finance", {}), "gpus_per_ops_fte": 64}
    hosted = run_scenario(tmp_path, scenario, catalogues).option("hosted")
    gpus = hosted.gpus_billed_first_month
    parts = hosted.breakdown_first_month_usd
    assert parts["licences"] == pytest.approx(gpus * 4_500 / 12)
    assert parts["staff_scaling"] == pytest.approx(gpus / 64 * 18_000)
    assert parts["gpu_rental"] == pytest.approx(gpus * hosted.usd_per_gpu_hour * HOURS)
