"""The model catalogue: open and proprietary models, architecture, quality scores, serving APIs."""

from models.catalog import ApiRef, ModelCard, ModelCatalog, QualityScore, load_catalog

__all__ = ["ApiRef", "ModelCard", "ModelCatalog", "QualityScore", "load_catalog"]
