"""Load and query the model catalogue (`models/data/*.yaml`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field
from pydantic.dataclasses import dataclass

from datafiles import STRICT, InputError, parse_as, read_yaml

DATA_DIR = Path(__file__).parent / "data"

PositiveInt = Annotated[int, Field(ge=1)]
Positive = Annotated[float, Field(gt=0)]


@dataclass(config=STRICT)
class QualityScore:
    metric: str
    score: float
    mode: Literal["thinking", "non_thinking", "own_eval"]
    source: str
    as_of: dt.date


@dataclass(config=STRICT)
class ApiRef:
    """A hosted API serving a model, in genai-prices' provider and model ids."""

    provider: str
    model: str


@dataclass(config=STRICT)
class ModelCard:
    id: str
    name: str
    family: str
    vendor: str
    open_weights: bool
    license: str
    context_tokens: PositiveInt
    as_of: dt.date
    quality: tuple[QualityScore, ...]
    api: tuple[ApiRef, ...]
    total_params_b: Positive | None = None
    active_params_b: Positive | None = None
    layers: PositiveInt | None = None
    hidden_size: PositiveInt | None = None
    kv_heads: PositiveInt | None = None
    head_dim: PositiveInt | None = None
    mla_kv_dim: PositiveInt | None = None
    sliding_window_layers: Annotated[int, Field(ge=0)] | None = None
    """Layers attending only to the last `sliding_window_tokens` tokens (gpt-oss, Gemma 3)."""
    sliding_window_tokens: PositiveInt | None = None
    linear_attention_layers: Annotated[int, Field(ge=0)] | None = None
    """Layers with linear attention (a fixed-size state, no KV cache growth), e.g. Qwen3-Next, MiniMax-M1."""
    architecture_source: str | None = None

    def score(self, metric: str) -> QualityScore | None:
        return next((q for q in self.quality if q.metric == metric), None)

    @property
    def kv_elements_per_layer_token(self) -> int | None:
        """KV-cache elements one attention layer stores per token (K and V; MLA stores one latent)."""
        if self.mla_kv_dim is not None:
            return self.mla_kv_dim
        if self.kv_heads is None or self.head_dim is None:
            return None
        return 2 * self.kv_heads * self.head_dim


@dataclass(config=STRICT)
class _CatalogFile:
    catalog_version: Literal[1]
    models: tuple[ModelCard, ...]


@dataclass(frozen=True)
class ModelCatalog:
    models: tuple[ModelCard, ...]

    def find(self, model_id: str) -> ModelCard | None:
        key = model_id.lower()
        return next((m for m in self.models if m.id.lower() == key), None)

    def get(self, model_id: str, file: str, field: str) -> ModelCard:
        card = self.find(model_id)
        if card is None:
            raise InputError(file, field, f"unknown model {model_id!r}; see models/data/*.yaml for catalogue ids")
        return card

    def for_api(self, provider: str, model: str) -> ModelCard | None:
        """The catalogue entry whose `api` list names this provider/model (case-insensitive)."""
        key = (provider.lower(), model.lower())
        for card in self.models:
            if any((a.provider.lower(), a.model.lower()) == key for a in card.api):
                return card
        return None


def load_catalog(data_dir: Path | str = DATA_DIR) -> ModelCatalog:
    cards: list[ModelCard] = []
    seen: dict[str, str] = {}
    for path in sorted(Path(data_dir).glob("*.yaml")):
        for card in parse_as(_CatalogFile, read_yaml(path), str(path)).models:
            if card.id.lower() in seen:
                raise InputError(str(path), f"models[{card.id}]", f"duplicate id, already in {seen[card.id.lower()]}")
            seen[card.id.lower()] = str(path)
            cards.append(card)
    return ModelCatalog(tuple(cards))
