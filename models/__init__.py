"""The model catalogue: architecture, quality records with provenance, retirements, and the APIs serving each model."""

from models.catalog import ApiRef, ModelCard, ModelCatalog, Retirement, load_catalog
from models.quality import BENCHMARKS, QualityRecord, best_record, provenance_label

__all__ = [
    "BENCHMARKS",
    "ApiRef",
    "ModelCard",
    "ModelCatalog",
    "QualityRecord",
    "Retirement",
    "best_record",
    "load_catalog",
    "provenance_label",
]
