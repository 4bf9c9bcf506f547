"""Load and query the model catalogue (`models/data/*.yaml`).

Context: `context_tokens` is what the model serves as published, with no serving-time flag (Qwen3-32B:
32,768); `context_tokens_extended` is the longer window its card documents behind an opt-in extension
(Qwen3-32B: 131,072 with YaRN factor 4, `context_extension` says how), and `max_context_tokens` the larger
of the two, which the request-length check reads. Where the extension is trained in and on by default
(DeepSeek-V3's YaRN in config.json) the served window is `context_tokens` and nothing is extended.

Retirement: a card's `retired_on` / `successor` is the provider's announced shutdown of the model itself (a
proprietary model: every API the card lists); an `api` entry's own `retired_on` / `successor` is one host
withdrawing one endpoint (open weights stay self-hostable). `ModelCatalog.retirement` answers both; each date
carries its `retirement_source`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator
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
    retired_on: dt.date | None = None
    """The day this provider stops (or stopped) serving this model id, as announced; None if none announced."""
    successor: str | None = None
    """The provider's recommended replacement, as its API model id."""
    retirement_source: str | None = None


@dataclass(frozen=True)
class Retirement:
    """A model (or one provider's endpoint for it) retired on `retired_on`, with the provider's successor."""

    model: str
    """Catalogue id."""
    retired_on: dt.date
    successor: str | None
    source: str
    provider: str | None = None
    """Set when only this provider's endpoint retires (the weights and other hosts stay)."""
    api_model: str | None = None

    def message(self, on: dt.date | None = None) -> str:
        """One line for an option's row, e.g. "gemini-3-pro-preview was shut down on 2026-03-09; the provider's
        successor is gemini-3.1-pro-preview (source: …)". `on`: the date the scenario needs it (its start)."""
        what = f"{self.provider}/{self.api_model}" if self.provider else self.model
        verb = "was shut down" if on is not None and self.retired_on <= on else "retires"
        then = f"; the provider's successor is {self.successor}" if self.successor else ""
        return f"{what} {verb} on {self.retired_on.isoformat()}{then} (source: {self.source})"


@dataclass(config=STRICT)
class ModelCard:
    id: str
    name: str
    family: str
    vendor: str
    open_weights: bool
    license: str
    context_tokens: PositiveInt | None
    """The context served as published, with no opt-in extension; None where not verified (the context-window
    check is then skipped, and said so)."""
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
    routed_experts: PositiveInt | None = None
    """E: routed experts per MoE layer (None: dense, or not recorded)."""
    experts_per_token: PositiveInt | None = None
    """k: routed experts each token uses (shared experts are in the always-read part)."""
    experts_source: str | None = None
    architecture_source: str | None = None
    context_tokens_extended: PositiveInt | None = None
    """A longer window the model card documents behind an opt-in extension (`context_extension` says which)."""
    context_extension: str | None = None
    context_source: str | None = None
    retired_on: dt.date | None = None
    """The provider's announced shutdown of the model itself (every API the card lists); None if none announced."""
    successor: str | None = None
    """The provider's recommended replacement, as its API model id."""
    retirement_source: str | None = None

    @property
    def max_context_tokens(self) -> int | None:
        """The longest request context the model can be served with: the extended window where one is
        documented, else `context_tokens` (None where neither is verified)."""
        return self.context_tokens_extended or self.context_tokens

    def context_extension_needed(self, tokens: float) -> str | None:
        """A note when `tokens` fit only with the opt-in extension, e.g. Qwen3-32B at 60,000 tokens."""
        if self.context_tokens is None or self.context_tokens_extended is None:
            return None
        if self.context_tokens < tokens <= self.context_tokens_extended:
            return (
                f"{self.id}: {tokens:,.0f} tokens exceed the native context of {self.context_tokens:,}; serve it "
                f"with {self.context_extension or 'the documented context extension'} (up to "
                f"{self.context_tokens_extended:,})"
            )
        return None

    @model_validator(mode="after")
    def _experts_together(self) -> ModelCard:
        if (self.routed_experts is None) != (self.experts_per_token is None):
            raise ValueError("give routed_experts and experts_per_token together (E routed experts, k a token)")
        if self.routed_experts is not None and self.experts_per_token >= self.routed_experts:  # type: ignore[operator]
            raise ValueError(f"experts_per_token ({self.experts_per_token}) must be below routed_experts "
                             f"({self.routed_experts})")  # fmt: skip
        return self

    @property
    def routed_expert_params_b(self) -> float | None:
        """Parameters of all routed experts, billions: with e per expert, total = dense + E·e and active = dense + k·e,
        so E·e = E·(total − active)/(E − k). DeepSeek-R1: 256 × (671 − 37)/248 = 654.5 B, the rest (16.5 B:
        attention, dense layers, the shared expert) read at every step."""
        e, k = self.routed_experts, self.experts_per_token
        if e is None or k is None or k >= e or self.total_params_b is None or self.active_params_b is None:
            return None
        return e * (self.total_params_b - self.active_params_b) / (e - k)

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
        """The card whose id is `model_id` in any case; else, for a weights repository id as vLLM, SGLang and
        the profiler record it ("Qwen/Qwen3-32B"), the card named by its part after the organisation (the
        catalogue's ids are those names in lower case, "qwen3-32b"). None when neither names a card.

        >>> from models import load_catalog
        >>> load_catalog().find("Qwen/Qwen3-32B").id
        'qwen3-32b'
        """
        key = model_id.strip().lower()
        found = next((m for m in self.models if m.id.lower() == key), None)
        if found is None and "/" in key:
            return self.find(key.rsplit("/", 1)[1])
        return found

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

    def retirement(self, model: str, provider: str | None = None, on: dt.date | None = None) -> Retirement | None:
        """Is this model retired at date `on`, and what is its successor?

        `provider` given: `model` is that provider's API model id (an API option); the model's own retirement
        and that endpoint's both count. `provider` None: `model` is a catalogue id (a self-hosted option); only
        the model's own retirement counts (a host withdrawing an endpoint leaves the weights usable).
        `on` None: the announced retirement whatever its date (to warn of one inside a horizon); else only one
        that has happened by `on`. The earliest applies. None when nothing is announced or the model is not in
        the catalogue.

        >>> cat = load_catalog()
        >>> cat.retirement("gemini-3-pro-preview", "google", dt.date(2026, 12, 1)).successor
        'gemini-3.1-pro-preview'
        >>> cat.retirement("gemini-3-pro-preview", "google", dt.date(2026, 1, 1)) is None
        True
        >>> cat.retirement("kimi-k2.5", on=dt.date(2026, 12, 1)) is None  # the weights do not retire
        True
        """
        if provider is None:
            card, apis = self.find(model), ()
        else:
            card = self.for_api(provider, model)
            key = (provider.lower(), model.lower())
            apis = tuple(a for a in (card.api if card else ()) if (a.provider.lower(), a.model.lower()) == key)
        if card is None:
            return None
        found: list[Retirement] = []
        if card.retired_on is not None:
            found.append(Retirement(card.id, card.retired_on, card.successor, card.retirement_source or ""))
        for api in apis:
            if api.retired_on is not None:
                found.append(
                    Retirement(
                        card.id, api.retired_on, api.successor, api.retirement_source or "", api.provider, api.model
                    )
                )
        due = [r for r in found if on is None or r.retired_on <= on]
        return min(due, key=lambda r: r.retired_on) if due else None


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
