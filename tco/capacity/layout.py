"""How a replica's GPUs are arranged, including across nodes when one node cannot hold the model.

Sizes tried, smallest first: 1, 2, 4, 8 GPUs (one node of NODE_GPUS, tensor parallel), then 2, 3, 4 nodes
(16, 24, 32 GPUs). Across nodes a dense model is split by pipeline stages (TP 8 within a node × PP = nodes), an MoE
model by experts (TP 8 × EP = all GPUs), the layouts vLLM and SGLang document for multi-node serving. The
inter-node cost: every decode step crosses the node boundary twice per layer (the pipeline hand-off or the expert
dispatch and combine), INTERNODE_HOP_S each, added to the step's fixed cost:

    t_internode = 2 × layers × INTERNODE_HOP_S        (nodes > 1)

Worked example: GLM-5 (78 layers) on 2 nodes pays 2 × 78 × 25 µs = 3.9 ms per decode step.

>>> round(internode_step_s(78, 2) * 1e3, 2)
3.9
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from models.catalog import ModelCard
from tco.capacity.memory_fit import MemoryFit, card_fit

NODE_GPUS = 8
NODE_COUNTS = (2, 3, 4)
"""Multi-node sizes tried after one node: up to 4 nodes of 8 GPUs."""
INTERNODE_HOP_S = 25e-6
"""One small NCCL exchange between nodes over InfiniBand/RoCE (an estimate: link latency plus NCCL's per-call
cost; NVLink inside a node is tco.capacity.roofline.ALLREDUCE_S)."""
SINGLE_NODE_SIZES = (1, 2, 4, 8)


@dataclass(frozen=True)
class Layout:
    tp: int
    pp: int
    ep: int
    nodes: int

    def summary(self) -> dict[str, int]:
        return {"tp": self.tp, "pp": self.pp, "ep": self.ep, "nodes": self.nodes}

    def label(self) -> str:
        parts = [f"TP{self.tp}"] + [f"PP{self.pp}"] * (self.pp > 1) + [f"EP{self.ep}"] * (self.ep > 1)
        where = f"{self.nodes} nodes" if self.nodes > 1 else "1 node"
        return f"{' x '.join(parts)} on {where}"


def is_moe(card: ModelCard) -> bool:
    return bool(card.total_params_b and card.active_params_b and card.active_params_b < 0.9 * card.total_params_b)


def layout_for(card: ModelCard | None, gpus: int) -> Layout:
    """The layout of `gpus` GPUs for `card` (module docstring); one node: tensor parallel over all of them."""
    nodes = max(1, math.ceil(gpus / NODE_GPUS))
    tp = min(gpus, NODE_GPUS)
    if nodes == 1:
        return Layout(tp, 1, gpus if card is not None and is_moe(card) and gpus > 1 else 1, 1)
    if card is not None and is_moe(card):
        return Layout(tp, 1, gpus, nodes)
    return Layout(tp, nodes, 1, nodes)


def internode_step_s(layers: int | None, nodes: int) -> float:
    """Seconds each decode step pays to cross nodes: 2 × layers × INTERNODE_HOP_S (0 on one node)."""
    return 2 * (layers or 0) * INTERNODE_HOP_S if nodes > 1 else 0.0


def smallest_layout(
    card: ModelCard, gpu_memory_gib: float, precision: str, context_tokens: float
) -> tuple[MemoryFit, Layout] | tuple[MemoryFit, None]:
    """The smallest size whose memory fit succeeds and its layout; (the largest fit tried, None) when 4 nodes do not
    hold the model."""
    sizes = (*SINGLE_NODE_SIZES, *(n * NODE_GPUS for n in NODE_COUNTS))
    fit = None
    for gpus in sizes:
        fit = card_fit(card, gpu_memory_gib, gpus, precision, context_tokens)
        if fit.fits:
            return fit, layout_for(card, gpus)
    assert fit is not None
    return fit, None
