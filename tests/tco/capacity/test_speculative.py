"""Speculative decoding in the roofline (`tco.capacity.speculative`): a decode step's reads shared by E tokens."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tco.capacity.calibration import PeakParts
from tco.capacity.closed_loop import closed_loop_p50
from tco.capacity.perf_model import PerfModel
from tco.capacity.roofline_calibrations import Calibration
from tco.capacity.shapes import Shape
from tco.capacity.speculative import TOKENS_PER_STEP, fit_tokens_per_step, speculating, tokens_per_step
from tco.records.option_specs import SelfHostedOption
from tests.conftest import run_scenario

SHAPE = Shape(1000, 500)
MODEL = PerfModel((1e-4, 2e-4, 1e-8, 0.02), max_concurrency=64, physical_latency=True, step_overhead_s=0.005)


def test_a_request_s_gpu_time_shares_each_step_s_reads_among_its_accepted_tokens():
    """π = 0.1 ms, b = 0.2 ms, g = 10 ns, a = 20 ms + 5 ms overhead; 1,000 in / 500 out (L = 1,250) at c = 10, E = 2:
    τ = 0.1 + 0.1 + (500 × 1,250 × 1e-8 + 0.025 × 500 / 10) / 2 = 0.2 + (0.00625 + 1.25) / 2 = 0.828125 s."""
    fast = speculating(MODEL, 2.0)
    assert fast is not None and fast.tokens_per_step == 2.0
    assert fast.gpu_s_per_request(SHAPE, 10) == pytest.approx(0.828125)
    assert MODEL.gpu_s_per_request(SHAPE, 10) == pytest.approx(0.2 + 0.00625 + 1.25)  # E = 1: equation (1)
    assert "speculative decoding: 2× the tokens a decode step" in fast.error_basis


def test_the_median_token_gap_shares_the_step_s_reads_and_keeps_its_compute():
    """ITL p50 = (a + c·g·L)/E + c·b = (0.025 + 10 × 1e-8 × 1,250) / 2 + 10 × 2e-4 = 0.0145625 s at c = 10, E = 2."""
    fast = speculating(MODEL, 2.0)
    assert closed_loop_p50(fast, SHAPE, 10)["itl_s"] == pytest.approx((0.025 + 10 * 1e-8 * 1250) / 2 + 10 * 2e-4)
    assert closed_loop_p50(MODEL, SHAPE, 10)["itl_s"] == pytest.approx(0.025 + 10 * (2e-4 + 1e-8 * 1250))


def test_which_e_a_method_gets():
    assert tokens_per_step(None) is None and tokens_per_step("none") is None
    assert tokens_per_step("mtp") == TOKENS_PER_STEP and tokens_per_step("eagle3", 2.5) == 2.5
    assert speculating(MODEL, None) is MODEL and speculating(None, 2.0) is None


def test_the_fit_recovers_the_e_its_sweeps_were_made_with():
    """Three configurations whose levels were computed at E = 1.73 exactly (X = 1 / (C/η_c + (M/η_m + s₀·S) / E));
    a grid step of 0.01 finds it."""
    cal = Calibration(compute=0.2, memory=0.5, error=0.3, basis="x", step_overhead_s=0.01)
    configs = []
    for scale in (1.0, 2.0, 0.5):
        compute, memory, steps = np.array([0.01, 0.02]) * scale, np.array([0.3, 0.1]) * scale, np.array([50.0, 10.0])
        tau = compute / cal.compute + (memory / cal.memory + cal.step_overhead_s * steps) / 1.73
        configs.append((PeakParts("x", 1 / tau, compute, memory, steps), cal))
    assert fit_tokens_per_step(configs) == pytest.approx(1.73)


@settings(max_examples=200, deadline=None)
@given(e1=st.floats(1.0, 4.0), e2=st.floats(1.0, 4.0), c=st.floats(1, 64), out=st.floats(1, 8000))
def test_more_accepted_tokens_never_serve_fewer_requests_nor_slow_a_token(e1, e2, c, out):
    low, high = sorted((e1, e2))
    shape = Shape(2000, out)
    slow, fast = speculating(MODEL, low), speculating(MODEL, high)
    assert fast.req_per_s(shape, c) >= slow.req_per_s(shape, c) * (1 - 1e-12)
    assert closed_loop_p50(fast, shape, c)["itl_s"] <= closed_loop_p50(slow, shape, c)["itl_s"] * (1 + 1e-12)
    # the compute per token is never shared: no E makes a request cheaper than its prefill and per-token compute
    assert fast.gpu_s_per_request(shape, c) >= 1e-4 * 2000 + 2e-4 * out


def test_an_option_s_acceptance_length_needs_its_method():
    spec = {"id": "ds", "kind": "self_hosted", "model": "deepseek-r1-0528", "gpu": "MI300X", "usd_per_gpu_hour": 3.0}
    assert SelfHostedOption(**spec, speculative_decoding="mtp", accepted_tokens_per_step=2.2).accepted_tokens_per_step
    with pytest.raises(ValueError, match="accepted_tokens_per_step needs speculative_decoding"):
        SelfHostedOption(**spec, accepted_tokens_per_step=2.2)
    with pytest.raises(ValueError, match="speculative_decoding"):
        SelfHostedOption(**spec, speculative_decoding="magic")
    with pytest.raises(ValueError, match="accepted_tokens_per_step"):
        SelfHostedOption(**spec, speculative_decoding="mtp", accepted_tokens_per_step=0.5)


def _scenario(*options):
    return {
        "name": "spec",
        "workload": {"requests_per_month": 5e6, "input_tokens": 1000, "output_tokens": 1000},
        "slo": {"itl_p50_s": 0.05},
        "options": [{"id": "api", "kind": "api", "provider": "openai", "model": "gpt-5"}, *options],
    }


def test_a_roofline_option_with_mtp_serves_more_and_says_why(tmp_path, catalogues):
    """Llama 3.3 70B on H100, no profile and no interactive sweep of a sibling: the roofline. With MTP at the fitted
    E its replica serves more under the ITL bound (the steps' reads are shared), with the user's own E = 2.5 more
    still; each option's notes say how."""
    base = {"kind": "self_hosted", "model": "llama-3.3-70b-instruct", "gpu": "H100", "usd_per_gpu_hour": 3.0}
    plain, mtp, own = (
        {**base, "id": "plain"},
        {**base, "id": "mtp", "speculative_decoding": "mtp"},
        {**base, "id": "own", "speculative_decoding": "eagle3", "accepted_tokens_per_step": 2.5},
    )
    result = run_scenario(tmp_path, _scenario(plain, mtp, own), catalogues)
    x = {o: result.option(o).replica_req_per_s for o in ("plain", "mtp", "own")}
    assert all(result.option(o).capacity["method"] == "estimated" for o in x)
    assert x["plain"] < x["mtp"] < x["own"]
    notes = " ".join(result.option("mtp").notes)
    assert f"decode steps yield {TOKENS_PER_STEP:g} tokens each (fitted on published MTP sweeps" in notes
    assert f"speculative decoding: {TOKENS_PER_STEP:g}× the tokens a decode step" in notes  # the estimate's basis
    assert "yield 2.5 tokens each (the option's figure" in " ".join(result.option("own").notes)
    assert not any("speculative" in n for n in result.option("plain").notes)


def test_a_transfer_from_a_sweep_without_speculation_gains_it_too(tmp_path, catalogues):
    """Batch work (no latency bound): Kimi K2 on 8 × MI355X borrows GLM-5's H200 measurement (without speculative
    decoding): with MTP its fitted decode steps yield E = 1.46 tokens each, so the replica serves more."""
    base = {"kind": "self_hosted", "model": "kimi-k2-thinking", "gpu": "MI355X", "gpus_per_replica": 8,
            "usd_per_gpu_hour": 3.0, "engine": "sglang"}  # fmt: skip
    options = ({**base, "id": "plain"}, {**base, "id": "mtp", "speculative_decoding": "mtp"})
    batch = {key: value for key, value in _scenario(*options).items() if key != "slo"}
    result = run_scenario(tmp_path, batch, catalogues)
    plain, mtp = result.option("plain"), result.option("mtp")
    assert plain.capacity["method"] == mtp.capacity["method"] == "transferred"
    assert "glm-5" in mtp.capacity["transferred_from"] and mtp.replica_req_per_s > plain.replica_req_per_s
    assert any("transferred from" in n and f"{TOKENS_PER_STEP:g}× the tokens a decode step" in n for n in mtp.notes)


def test_a_profile_keeps_its_measured_levels_and_a_disagreeing_option_is_told(tmp_path, catalogues):
    """The GLM-5 sweep was measured without speculative decoding: an option saying MTP gets the same X* (the levels
    are what the server did) and a note naming the difference."""
    from tests.tco.capacity.test_capacity_scenarios import GLM5_SWEEP

    base = {"kind": "self_hosted", "model": "glm-5", "profile": str(GLM5_SWEEP), "usd_per_gpu_hour": 3.0}
    options = ({**base, "id": "as-measured"}, {**base, "id": "says-mtp", "speculative_decoding": "mtp"})
    result = run_scenario(tmp_path, _scenario(*options), catalogues)
    same, told = result.option("as-measured"), result.option("says-mtp")
    assert told.replica_req_per_s == same.replica_req_per_s
    assert any("the option says mtp, the profile was measured with none" in n for n in told.notes)
    assert not any("speculative" in n for n in same.notes)


def test_an_inferencex_mtp_deployment_records_its_speculation():
    from tests.profiling.test_sweep_importers import API_ROW, import_file_from

    profile = import_file_from([{**API_ROW, "spec_method": "mtp"}], "api.json")
    assert profile.meta.speculative_decoding == "mtp"
    assert import_file_from([API_ROW], "api.json").meta.speculative_decoding is None
    assert dataclasses.replace(profile.meta, speculative_decoding=None).speculative_decoding is None
