"""The ``Dataset.map`` stages: thin adapters of the pure core (``align/``, ``project/``, ``text``) to
columns, all keeping one contract (:class:`Stage`): a frozen config dataclass, ``fingerprint``,
declared ``inputs``/``outputs`` and ``__call__(batch) -> batch``."""

from projner.lazy import by_module, lazy_exports

EXPORTS = by_module({
    "projner.processing.stages.base": ("Stage", "check_columns"),
    "projner.processing.stages.words": ("Detokenize", "DetokenizeConfig", "SplitWords", "SplitWordsConfig"),
    "projner.processing.stages.translation": ("Translate", "TranslateConfig", "EasyProjectTranslate", "EasyProjectTranslateConfig", "ProjectMarked", "ProjectMarkedConfig"),
    "projner.processing.stages.tagging": ("Label", "LabelConfig"),
    "projner.processing.stages.correspondence": ("Align", "AlignConfig", "RefineLinks", "RefineConfig", "align_dataset"),
    "projner.processing.stages.transfer": ("Project", "ProjectColumns", "project_dataset"),
    "projner.processing.stages.corpus_types": ("Retype", "RetypeColumns", "retype_dataset"),
    "projner.processing.stages.corpus_names": ("KeepNamed", "KeepNamedColumns", "keep_named_dataset"),
    "projner.processing.stages.corpus_spans": ("CompleteSpans", "CompleteSpansColumns", "complete_spans_dataset"),
    "projner.processing.stages.selection": ("SelectSentences", "SelectConfig", "Stamp", "StampConfig"),
    "projner.processing.stages.tag_columns": ("GoldTags", "GoldTagsConfig", "MapTags", "MapTagsConfig"),
})
__all__, __getattr__ = lazy_exports(__name__, EXPORTS)
