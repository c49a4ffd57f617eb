"""The projection core: pure functions from words, spans and links to projected spans and scores."""

from projner.lazy import by_module, lazy_exports

EXPORTS = by_module({
    "projner.processing.project.pair": ("project_pair", "ProjectionConfig", "PairProjection"),
    "projner.processing.project.spans": ("Span", "ScoredSpan", "tags_to_spans", "spans_to_tags"),
    "projner.processing.project.names": ("NameMatchConfig",),
    "projner.processing.project.scores": ("ScoreConfig",),
    "projner.processing.project.retype": ("RetypeConfig",),
    "projner.processing.project.name_evidence": ("NameEvidenceConfig", "name_shares", "named_spans"),
    "projner.processing.project.span_completion": ("SpanCompletionConfig", "complete_spans", "whole_names"),
    "projner.processing.project.easyproject": ("EasyProjectConfig",),
})
__all__, __getattr__ = lazy_exports(__name__, EXPORTS)
