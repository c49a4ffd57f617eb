"""projner: silver NER corpora for low-resource languages by annotation projection.

Translate, label, word-align, project (Politov et al., NoDaLiDa 2025), as Hugging Face ``datasets``
pipelines: ``translate_train``, ``translate_test``, ``model_transfer`` and ``project_parallel`` take
a ``Dataset`` or ``DatasetDict`` and return the output, its report and its provenance; ``export``
writes a Hub dataset folder and ``push`` uploads it; ``view`` draws an output (a folder or a result)
as one HTML page. The stages, their configs and the gold corpus builders are importable from here
too; everything loads on first use.
"""

from projner.lazy import lazy_exports

__version__ = "0.1.0"

_PUBLIC_PACKAGES = ("projner.processing", "projner.dataset_cards", "projner.builders", "projner.viewer")
"""Whose exports ``projner`` re-exports (all but the internals named in ``_INTERNAL``)."""
_INTERNAL = ("check_columns", "known_source", "parallel_pairs", "read_pharaoh", "parse_pharaoh", "format_pharaoh",
             "symmetrize", "refine", "Refinement", "NeuralAlignerConfig", "EflomalConfig", "NeuralAligner",
             "align_dataset", "project_dataset", "retype_dataset", "ner_scores", "make_aligner", "tags_to_spans",
             "spans_to_tags", "PairProjection", "ScoredSpan", "EasyProjectConfig", "export_hub_folder")


def _exports() -> dict[str, str]:
    import importlib

    merged: dict[str, str] = {}
    for package in _PUBLIC_PACKAGES:
        merged |= importlib.import_module(package).EXPORTS
    return {name: module for name, module in merged.items() if name not in _INTERNAL}


__all__, __getattr__ = lazy_exports(__name__, _exports())
