"""The last translate-train stage: which projected sentences a silver corpus keeps, and why not."""

from __future__ import annotations

from dataclasses import dataclass

from projner.processing.fingerprint import stage_fingerprint


@dataclass(frozen=True)
class SelectConfig:
    """Which projected sentences a silver corpus keeps; the rest are dropped with their reason."""

    keep_partial: bool = False
    min_score: float | None = None
    method: str = ""
    models: tuple[str, ...] = ()


class SelectSentences:
    """Final translate-train stage: adds ``dropped_reason`` (from ``projection_issues``, empty
    translations and low scores) and the ``method``/``models`` provenance columns. Nothing is
    removed here; export leaves dropped sentences out and counts them by reason."""

    stage = "select"

    def __init__(self, config: SelectConfig) -> None:
        self.config = config

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
        n = len(reasons)
        return {"dropped_reason": reasons, "method": [c.method] * n, "models": [list(c.models)] * n}
