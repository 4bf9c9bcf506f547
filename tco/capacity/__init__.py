"""How many requests a second one replica serves within the SLO at the workload's shape: profile shapes, the
fitted performance model, the memory fit, the calibrated roofline, a replica's capacity and the throughput
view of one profile.

May import: records.
"""

from tco.capacity.at_slo import (
    Capacity,
    capacity_at_slo,
    combine_classes,
    estimated_capacity,
    level_checks,
    workload_shape,
)
from tco.capacity.fitting import ONE_SHAPE_ERROR, fit_profile
from tco.capacity.layout import Layout, layout_for, smallest_layout
from tco.capacity.least_squares import nnls_small
from tco.capacity.memory_fit import (
    MemoryFit,
    bytes_per_param,
    card_fit,
    kv_bytes_per_sequence,
    memory_fit,
)
from tco.capacity.perf_model import PerfModel
from tco.capacity.replica_capacity import ReplicaCapacity, replica_capacity
from tco.capacity.roofline import default_precision, estimated_model, gpu_ceiling
from tco.capacity.roofline_calibrations import OFFLINE, SERVING, Calibration
from tco.capacity.shapes import SHAPE_TOLERANCE, Shape, group_levels, level_shape, matching_group
from tco.capacity.throughput_fit import DECODE_CONTEXT_TOKENS
from tco.capacity.throughput_view import ProfileView, profile_view

__all__ = [
    "DECODE_CONTEXT_TOKENS",
    "OFFLINE",
    "ONE_SHAPE_ERROR",
    "SERVING",
    "SHAPE_TOLERANCE",
    "Calibration",
    "Capacity",
    "Layout",
    "MemoryFit",
    "PerfModel",
    "ProfileView",
    "ReplicaCapacity",
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
]
