"""The ``Dataset.map`` stages: thin adapters of the pure core (``align/``, ``project/``, ``text``) to
columns, all keeping one contract (:class:`Stage`): a frozen config dataclass, ``fingerprint``,
declared ``inputs``/``outputs`` and ``__call__(batch) -> batch``."""

from projner.lazy import lazy_exports

__all__, __getattr__ = lazy_exports(__name__, {
    "Stage": "projner.processing.stages.base",
    "check_columns": "projner.processing.stages.base",
    "Detokenize": "projner.processing.stages.words",
    "DetokenizeConfig": "projner.processing.stages.words",
    "SplitWords": "projner.processing.stages.words",
    "SplitWordsConfig": "projner.processing.stages.words",
    "Translate": "projner.processing.stages.translation",
    "TranslateConfig": "projner.processing.stages.translation",
    "EasyProjectTranslate": "projner.processing.stages.translation",
    "EasyProjectTranslateConfig": "projner.processing.stages.translation",
    "ProjectMarked": "projner.processing.stages.translation",
    "ProjectMarkedConfig": "projner.processing.stages.translation",
    "Label": "projner.processing.stages.tagging",
    "LabelConfig": "projner.processing.stages.tagging",
    "Align": "projner.processing.stages.correspondence",
    "AlignConfig": "projner.processing.stages.correspondence",
    "RefineLinks": "projner.processing.stages.correspondence",
    "RefineConfig": "projner.processing.stages.correspondence",
    "Project": "projner.processing.stages.transfer",
    "ProjectColumns": "projner.processing.stages.transfer",
    "Retype": "projner.processing.stages.corpus_types",
    "RetypeColumns": "projner.processing.stages.corpus_types",
    "SelectSentences": "projner.processing.stages.selection",
    "SelectConfig": "projner.processing.stages.selection",
    "Stamp": "projner.processing.stages.selection",
    "StampConfig": "projner.processing.stages.selection",
    "GoldTags": "projner.processing.stages.tag_columns",
    "GoldTagsConfig": "projner.processing.stages.tag_columns",
    "MapTags": "projner.processing.stages.tag_columns",
    "MapTagsConfig": "projner.processing.stages.tag_columns",
})
