"""The model catalogue: architecture, quality records with provenance, and the APIs serving each model."""

from models.catalog import ApiRef, ModelCard, ModelCatalog, load_catalog
from models.quality import BENCHMARKS, QualityRecord, best_record

__all__ = ["BENCHMARKS", "ApiRef", "ModelCard", "ModelCatalog", "QualityRecord", "best_record", "load_catalog"]
