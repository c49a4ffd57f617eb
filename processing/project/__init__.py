"""The projection core: pure functions from words, spans and links to projected spans and scores."""

from projner.lazy import lazy_exports

__all__, __getattr__ = lazy_exports(__name__, {
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
})
