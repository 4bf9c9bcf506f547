"""Where each default a user sees comes from (shown in the app's help and in every result's assumptions)."""

from __future__ import annotations

DEFAULT_SOURCES = {
    "hours_per_month": "730 h = 8,760 h / 12 (ConfigIQ, llm-d Planner)",
    "planning_utilization": "0.85 of SLO throughput (ConfigIQ 0.90; llm-d Planner 1/1.2)",
    "ha_spare_replicas": "N+1 (ConfigIQ flags its absence)",
    "peak_to_average": "2.0: our default when none is given (published range 1.5-3, NVIDIA DLI; llm-d Planner)",
    "life_years": "4 years (NVIDIA TCO sheet, DLI course)",
    "residual_share": "20 % (ConfigIQ)",
    "discount_rate_annual": "8 % (ConfigIQ)",
    "maintenance_share_per_year": "5 % of capex per year (ConfigIQ hybrid)",
    "usd_per_kwh": "$0.10/kWh (ConfigIQ; EIA industrial average 2024 ~$0.083)",
    "pue": "1.3 (ConfigIQ 1.25-1.4; hyperscale ~1.2)",
    "colo_usd_per_kw_month": "$200/kW-month (secondary sources $150-250; ConfigIQ $250)",
    "gpu_load_factor": "0.7 of nameplate power while serving (engineering estimate)",
    "staff_usd_per_fte_month": "$18,000 loaded per FTE-month (ConfigIQ)",
    "ops_fte": "API 0.05, rented 0.2, owned 0.25 FTE (ConfigIQ)",
    "horizon_months": "36 months (ConfigIQ)",
    "spot_preemption_overhead": "10 % extra GPU time for re-work after preemption (estimate)",
    "gpus_per_ops_fte": "off: staff does not grow with the fleet unless set (large fleets: 0.5-2 FTE, kshirol)",
    "provisioned_kw": "the server's nameplate power: gpus.yaml's (DGX H100 10.2 kW = 1.3 kW/GPU), or power_kw / 0.7; "
    "colocation is sold on provisioned kW, not average draw; all-in figures with network and storage reach ~1.7 kW/GPU",
    "license_usd_per_gpu_year": "0: open stack (vLLM, SGLang); NVIDIA AI Enterprise lists $4,500/GPU-year (NVIDIA)",
    "storage_usd_per_month": "0: weights, images and logs (e.g. 1 TB on AWS EBS gp3 at $0.08/GB-month = $80)",
    "egress_usd_per_gb": "0: free on most GPU clouds (Lambda, RunPod); AWS internet egress $0.09/GB first 10 TB",
    "egress_bytes_per_output_token": "200 B: one OpenAI-format SSE chunk per streamed token (id, model, delta; "
    "estimate from vLLM's chat.completion.chunk)",
}

DEFAULT_LABELS = {
    "hours_per_month": "Hours in a month",
    "planning_utilization": "How busy a replica is planned to run",
    "ha_spare_replicas": "Spare replicas for failover",
    "peak_to_average": "Busiest hour over the average hour",
    "life_years": "Server life",
    "residual_share": "Resale value at end of life",
    "discount_rate_annual": "Discount rate",
    "maintenance_share_per_year": "Maintenance of owned servers",
    "usd_per_kwh": "Electricity price",
    "pue": "Data-centre power overhead (PUE)",
    "colo_usd_per_kw_month": "Colocation rent",
    "gpu_load_factor": "GPU power draw while serving",
    "staff_usd_per_fte_month": "Cost of an engineer, a month",
    "ops_fte": "Engineers' time per option",
    "horizon_months": "Horizon",
    "spot_preemption_overhead": "Spot re-work after preemption",
    "gpus_per_ops_fte": "GPUs one more engineer runs",
    "provisioned_kw": "Power provisioned per server",
    "license_usd_per_gpu_year": "Software licence",
    "storage_usd_per_month": "Storage",
    "egress_usd_per_gb": "Network egress price",
    "egress_bytes_per_output_token": "Network bytes per generated token",
}
"""`DEFAULT_SOURCES`' keys in words, as the app's defaults table and the report write them (a test keeps the two
in step)."""
