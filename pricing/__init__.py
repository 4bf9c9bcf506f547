"""API prices (genai-prices catalogue + overrides) and the GPU sheet."""

from pricing.book import PriceBook
from pricing.catalog import PriceCatalog, load_price_catalog
from pricing.gpus import GpuSheet, GpuType, PurchaseOffer, RentalOffer, load_gpu_sheet
from pricing.overrides import PriceOverride, load_overrides
from pricing.records import ApiPrice, Rate, TokenPrices

__all__ = [
    "ApiPrice",
    "GpuSheet",
    "GpuType",
    "PriceBook",
    "PriceCatalog",
    "PriceOverride",
    "PurchaseOffer",
    "Rate",
    "RentalOffer",
    "TokenPrices",
    "load_gpu_sheet",
    "load_overrides",
    "load_price_catalog",
]
