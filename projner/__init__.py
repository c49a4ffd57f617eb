"""projner: silver NER corpora for low-resource languages by annotation projection.

Translate, label, word-align, project (Politov et al., NoDaLiDa 2025), as Hugging Face ``datasets``
pipelines: ``translate_train``, ``translate_test``, ``model_transfer`` and ``project_parallel`` take
a ``Dataset`` or ``DatasetDict`` and return the output, its report and its provenance; ``export``
writes a Hub dataset folder and ``push`` uploads it. The stages, their configs and the gold
corpus builders are importable from here too; everything loads on first use.
"""

from projner.lazy import lazy_exports

__version__ = "0.1.0"

__all__, __getattr__ = lazy_exports(__name__, {
    "translate_train": "projner.processing.pipelines",
    "translate_test": "projner.processing.pipelines",
    "model_transfer": "projner.processing.pipelines",
    "project_parallel": "projner.processing.pipelines",
    "PipelineResult": "projner.processing.results",
    "export": "projner.processing.results",
    "RunOptions": "projner.processing.options",
    "MethodOptions": "projner.processing.options",
    "Columns": "projner.processing.options",
    "PairColumns": "projner.processing.options",
    "Origin": "projner.processing.options",
    "export_hub_folder": "projner.dataset_cards.export",
    "push": "projner.dataset_cards.push",
    "Provenance": "projner.dataset_cards.provenance",
    "SourceDataset": "projner.dataset_cards.provenance",
    "Component": "projner.dataset_cards.provenance",
    "ModelRef": "projner.dataset_cards.provenance",
    "Stage": "projner.processing.stages.base",
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
    "project_pair": "projner.processing.project.pair",
    "ProjectionConfig": "projner.processing.project.pair",
    "PairProjection": "projner.processing.project.pair",
    "Span": "projner.processing.project.spans",
    "ScoredSpan": "projner.processing.project.spans",
    "tags_to_spans": "projner.processing.project.spans",
    "spans_to_tags": "projner.processing.project.spans",
    "NameMatchConfig": "projner.processing.project.names",
    "ScoreConfig": "projner.processing.project.scores",
    "RetypeConfig": "projner.processing.project.retype",
    "EasyProjectConfig": "projner.processing.project.easyproject",
    "PanX": "projner.builders",
    "MasakhaNER2": "projner.builders",
    "EuroparlNER": "projner.builders",
    "ParallelConll": "projner.builders",
    "Conll2003": "projner.builders",
})
