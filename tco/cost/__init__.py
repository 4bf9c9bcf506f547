"""What each option costs: API tokens by price card, rented and owned hardware, every option's model (fleet,
price, project), the cost broken into components, distillation projects, and a usage bill reconciled.

May import: records, workload, capacity, finance.
"""

from tco.cost.api_cost import COMPONENTS, RequestCost, mean_request_cost, price_request
from tco.cost.components import monthly_components
from tco.cost.distillation import (
    MFU_FULL_DENSE,
    ProjectCost,
    api_training,
    default_mfu,
    gpu_training,
    memory_floor_bytes,
    min_gpus,
    project_fields,
    self_hosted_usd_per_mtok,
    training_flops,
)
from tco.cost.hardware import ServerYear, economic_value, owned_server_year
from tco.cost.option_models import OptionSetup, setup_options
from tco.cost.reconcile import Reconciliation, reconcile

__all__ = [
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
]
