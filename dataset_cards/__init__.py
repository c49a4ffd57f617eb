"""Publishing a run: the Hub folder (parquet, card, provenance), its typed provenance, and push."""

from projner.lazy import lazy_exports

__all__, __getattr__ = lazy_exports(__name__, {
    "export_hub_folder": "projner.dataset_cards.export",
    "push": "projner.dataset_cards.push",
    "Provenance": "projner.dataset_cards.provenance",
    "SourceDataset": "projner.dataset_cards.provenance",
    "Component": "projner.dataset_cards.provenance",
    "ModelRef": "projner.dataset_cards.provenance",
    "known_source": "projner.dataset_cards.sources",
})
