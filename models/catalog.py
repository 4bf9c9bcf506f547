"""Load and query the model catalogue (`models/data/*.yaml`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field
from pydantic.dataclasses import dataclass

from datafiles import STRICT, InputError, parse_as, read_yaml
from models.quality import QualityRecord

DATA_DIR = Path(__file__).parent / "data"

PositiveInt = Annotated[int, Field(ge=1)]
Positive = Annotated[float, Field(gt=0)]


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
    context_tokens: PositiveInt | None
    """None where the maximum context is not verified (the context-window check is then skipped, and said so)."""
    as_of: dt.date
    api: tuple[ApiRef, ...]
    quality: tuple[QualityRecord, ...] = ()
    """Filled from `quality.yaml` by `load_catalog`; the model files carry no scores."""
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


@dataclass(config=STRICT)
class _QualityRow(QualityRecord):
    model: str = ""


@dataclass(config=STRICT)
class _QualityFile:
    quality_version: Literal[1]
    records: tuple[_QualityRow, ...]


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
    """Every `*_models.yaml` in `data_dir`, with the records of `quality.yaml` attached to their models."""
    cards: list[ModelCard] = []
    seen: dict[str, str] = {}
    for path in sorted(Path(data_dir).glob("*_models.yaml")):
        for card in parse_as(_CatalogFile, read_yaml(path), str(path)).models:
            if card.id.lower() in seen:
                raise InputError(str(path), f"models[{card.id}]", f"duplicate id, already in {seen[card.id.lower()]}")
            seen[card.id.lower()] = str(path)
            cards.append(card)
    quality_path = Path(data_dir) / "quality.yaml"
    by_model: dict[str, list[QualityRecord]] = {}
    if quality_path.exists():
        rows = parse_as(_QualityFile, read_yaml(quality_path), str(quality_path)).records
        for i, row in enumerate(rows):
            if row.model.lower() not in seen:
                raise InputError(str(quality_path), f"records[{i}].model", f"unknown model {row.model!r}")
            fields = {k: getattr(row, k) for k in QualityRecord.__dataclass_fields__}
            by_model.setdefault(row.model.lower(), []).append(QualityRecord(**fields))
    return ModelCatalog(tuple(dataclasses.replace(c, quality=tuple(by_model.get(c.id.lower(), ()))) for c in cards))
