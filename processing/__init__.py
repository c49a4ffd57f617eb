"""The pipelines (functions of ``datasets``), their options and results, the ``.map`` stages
(:mod:`.stages`) and the pure core (:mod:`.project`, :mod:`.align`, :mod:`.text`): every public name
of the three layers importable from here (``from projner.processing import Align, project_pair``)."""

from projner.lazy import by_module, lazy_exports
from projner.processing import align, project, stages

EXPORTS = by_module({
    "projner.processing.pipelines": ("translate_train", "translate_test", "model_transfer", "project_parallel"),
    "projner.processing.results": ("PipelineResult", "export"),
    "projner.processing.options": ("RunOptions", "MethodOptions", "Columns", "PairColumns", "Origin"),
    "projner.processing.evaluate": ("ner_scores",),
}) | stages.EXPORTS | project.EXPORTS | align.EXPORTS
__all__, __getattr__ = lazy_exports(__name__, EXPORTS)
