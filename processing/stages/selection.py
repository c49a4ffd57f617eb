"""The last stages of a run: which projected sentences a silver corpus keeps (and why not), and the
columns that say how every row was made."""

from __future__ import annotations

from dataclasses import dataclass

from projner.processing.stages.base import ConfigStage


@dataclass(frozen=True)
class SelectConfig:
    """Which projected sentences a silver corpus keeps; the rest are dropped with their reason."""

    keep_partial: bool = False
    min_score: float | None = None
    words_column: str = "tgt_tokens"
    issues_column: str = "projection_issues"
    entities_column: str = "tgt_entities"
    dropped_column: str = "dropped_reason"


class SelectSentences(ConfigStage):
    """Final translate-train stage: adds ``dropped_reason`` (from ``projection_issues``, empty
    translations and low scores). Nothing is removed here; export leaves dropped sentences out and
    counts them by reason."""

    stage = "select"
    input_fields = ("words_column", "issues_column", "entities_column")
    output_fields = ("dropped_column",)

    def __call__(self, batch: dict[str, list]) -> dict[str, list]:
        c = self.config
        reasons: list[str] = []
        for words, issues, entities in zip(batch[c.words_column], batch[c.issues_column], batch[c.entities_column]):
            found: list[str] = []
            if not words:
                found.append("empty translation")
            elif issues and not c.keep_partial:
                found.append(issues)
            if c.min_score is not None and any(e["score"] < c.min_score for e in entities):
                found.append("low score")
            reasons.append("+".join(found))
        return {c.dropped_column: reasons}


@dataclass(frozen=True)
class StampConfig:
    """How a run describes itself on every row: its method, and the models it ran (None: no column)."""

    method: str
    models: tuple[str, ...] | None = None
    method_column: str = "method"
    models_column: str = "models"


class Stamp(ConfigStage):
    """``.map`` stage: the ``method`` (and ``models``) provenance columns, the same on every row, so a
    row taken out of the corpus still says how it was made."""

    stage = "stamp"

    @property
    def outputs(self) -> tuple[str, ...]:
        c = self.config
        return (c.method_column,) if c.models is None else (c.method_column, c.models_column)

    def __call__(self, batch: dict[str, list]) -> dict[str, list]:
        c = self.config
        rows = len(next(iter(batch.values()))) if batch else 0
        out: dict[str, list] = {c.method_column: [c.method] * rows}
        if c.models is not None:
            out[c.models_column] = [list(c.models)] * rows
        return out
