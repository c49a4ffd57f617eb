"""Publishing a run: the Hub folder (parquet, card, provenance), its typed provenance, and push."""

from projner.lazy import by_module, lazy_exports

EXPORTS = by_module({
    "projner.dataset_cards.export": ("export_hub_folder",),
    "projner.dataset_cards.push": ("push",),
    "projner.dataset_cards.provenance": ("Provenance", "SourceDataset", "Component", "ModelRef"),
    "projner.dataset_cards.sources": ("known_source",),
})
__all__, __getattr__ = lazy_exports(__name__, EXPORTS)
