"""The last stages of a run: which projected sentences a silver corpus keeps (and why not), and the
columns that say how every row was made."""

from __future__ import annotations

from dataclasses import dataclass

from projner.processing.fingerprint import stage_fingerprint


@dataclass(frozen=True)
class SelectConfig:
    """Which projected sentences a silver corpus keeps; the rest are dropped with their reason."""

    keep_partial: bool = False
    min_score: float | None = None


class SelectSentences:
    """Final translate-train stage: adds ``dropped_reason`` (from ``projection_issues``, empty
    translations and low scores). Nothing is removed here; export leaves dropped sentences out and
    counts them by reason."""

    stage = "select"

    def __init__(self, config: SelectConfig) -> None:
        self.config = config

    inputs = ("tgt_tokens", "projection_issues", "tgt_entities")
    outputs = ("dropped_reason",)

    def fingerprint(self, previous: str) -> str:
        return stage_fingerprint(previous, self.stage, self.config)

    def __call__(self, batch: dict[str, list]) -> dict[str, list]:
        c = self.config
        reasons: list[str] = []
        for words, issues, entities in zip(batch["tgt_tokens"], batch["projection_issues"], batch["tgt_entities"]):
            found: list[str] = []
            if not words:
                found.append("empty translation")
            elif issues and not c.keep_partial:
                found.append(issues)
            if c.min_score is not None and any(e["score"] < c.min_score for e in entities):
                found.append("low score")
            reasons.append("+".join(found))
        return {"dropped_reason": reasons}


@dataclass(frozen=True)
class StampConfig:
    """How a run describes itself on every row: its method, and the models it ran (None: no column)."""

    method: str
    models: tuple[str, ...] | None = None


class Stamp:
    """``.map`` stage: the ``method`` (and ``models``) provenance columns, the same on every row, so a
    row taken out of the corpus still says how it was made."""

    stage = "stamp"

    def __init__(self, config: StampConfig) -> None:
        self.config = config

    inputs: tuple[str, ...] = ()

    @property
    def outputs(self) -> tuple[str, ...]:
        return ("method",) if self.config.models is None else ("method", "models")

    def fingerprint(self, previous: str) -> str:
        return stage_fingerprint(previous, self.stage, self.config)

    def __call__(self, batch: dict[str, list]) -> dict[str, list]:
        rows = len(next(iter(batch.values()))) if batch else 0
        out: dict[str, list] = {"method": [self.config.method] * rows}
        if self.config.models is not None:
            out["models"] = [list(self.config.models)] * rows
        return out
