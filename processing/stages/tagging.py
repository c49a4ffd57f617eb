"""Word-level NER with a token-classification model, as a ``Dataset.map`` stage.

The model sees subwords; a word takes the label of its first subword. The model's labels are mapped
**by name** onto the target label set through an explicit :class:`~projner.labels.LabelMap` (MISC→O
by default, recorded in the fingerprint and the provenance); probabilities of model labels that map
to the same tag are added before the argmax, so dropping MISC never hands its mass to a wrong type.
Tags are repaired to valid IOB2 (the default CoNLL-2003 model speaks IOB1: ``I-PER`` opens a name).
Each entity's score is the mean probability of its words' tags; the entities go to ``src_entities``
by default (the design's column for the labelled side), which the projection stage then reads as
its source entities instead of adding its own. Sentences longer than the model's
window are labelled in overlapping windows of words, each word taken from the window where it sits
farthest from an edge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from projner.builders.conll import repair_iob2
from projner.errors import UserError
from projner.labels import OUTSIDE, LabelMap
from projner.processing.defaults import DEFAULT_NER_MODEL
from projner.processing.model_loading import loading
from projner.processing.project.spans import ScoredSpan, tags_to_spans
from projner.processing.runtime import (
    EXECUTION_ONLY,
    ModelFields,
    ModelStage,
    pick_device,
    pick_dtype,
)
from projner.processing.stages.base import check_at_least_one
from projner.processing.stages.columns import LabelledSide

if TYPE_CHECKING:
    import datasets

_SCHEME_PREFIXES = {"B": "B", "I": "I", "S": "B", "E": "I", "L": "I", "U": "B"}


class LabelMappingError(UserError):
    """A model label that cannot be put onto the target label set by name."""


def target_tag(model_label: str, label_map: LabelMap, target_types: frozenset[str], model: str) -> str:
    """The target tag a model label stands for: ``I-PER`` → ``I-PER``, ``B-MISC`` → ``O`` (MISC=O),
    BIOES prefixes folded into B/I, a bare type read as ``I-`` (IO scheme)."""
    if model_label == OUTSIDE:
        return OUTSIDE
    prefix, sep, etype = model_label.partition("-")
    if not sep:
        prefix, etype = "I", model_label
    if prefix not in _SCHEME_PREFIXES or not etype:
        raise LabelMappingError(f"{model}: model label {model_label!r} is not a tag (O, B-TYPE, I-TYPE)")
    if etype.startswith("LABEL_"):
        raise LabelMappingError(
            f"{model}: the model's labels have no names ({model_label!r}); projner maps labels by name"
        )
    new = label_map.map_type(etype)
    if new == OUTSIDE:
        return OUTSIDE
    if new not in target_types:
        raise LabelMappingError(
            f"{model}: model type {etype!r} has no counterpart in the target types "
            f"({', '.join(sorted(target_types))}); map it explicitly, e.g. {etype}=O"
        )
    return f"{_SCHEME_PREFIXES[prefix]}-{new}"


@dataclass(frozen=True)
class LabelConfig(LabelledSide, ModelFields):
    """One NER model, the label set it is mapped onto and the columns it reads (``words_column``)
    and writes (``tags_column``, ``entities_column``)."""

    target_types: tuple[str, ...] = ("PER", "ORG", "LOC")
    label_map: tuple[str, ...] = ("MISC=O",)
    """``TYPE=NEW`` rewrites of the model's types (e.g. ``MISC=O``, ``PERSON=PER``)."""
    model: str = DEFAULT_NER_MODEL
    max_length: int | None = None
    """Subword window, special tokens included; None: the model's (512 for XLM-R)."""
    entities_column: str = "src_entities"
    batch_size: int = field(default=32, metadata=EXECUTION_ONLY)
    strict: bool = field(default=False, metadata=EXECUTION_ONLY)
    """A ``label_map`` entry naming a type the model lacks is an error (default: a warning)."""

    def __post_init__(self) -> None:
        check_at_least_one("LabelConfig", self, "batch_size")


@dataclass(frozen=True, slots=True)
class Labelled:
    """One sentence's IOB2 tags, each word's tag probability, and its scored entities."""

    tags: list[str]
    probabilities: list[float]
    entities: list[ScoredSpan]


def windows(subword_counts: Sequence[int], budget: int) -> list[tuple[int, int]]:
    """Word ranges ``[start, end)`` of at most ``budget`` subwords that cover every word, each next
    window starting half a window after the last so every word has context on both sides somewhere.

    A single word longer than ``budget`` gets a window of its own (the model sees its first
    subwords, which is all first-subword labelling needs).
    """
    n = len(subword_counts)
    if sum(subword_counts) <= budget:
        return [(0, n)]
    out: list[tuple[int, int]] = []
    start = 0
    while True:
        end, used = start, 0
        while end < n and (end == start or used + subword_counts[end] <= budget):
            used += subword_counts[end]
            end += 1
        out.append((start, end))
        if end >= n:
            return out
        half, size = start, 0
        while half < end - 1 and size + subword_counts[half] <= used // 2:
            size += subword_counts[half]
            half += 1
        start = max(half, start + 1)


def owner_windows(spans: Sequence[tuple[int, int]], n: int) -> list[int]:
    """For each word, the window where it is farthest from either edge."""
    owner = [0] * n
    best = [-1] * n
    for index, (start, end) in enumerate(spans):
        for word in range(start, end):
            margin = min(word - start, end - 1 - word)
            if margin > best[word]:
                best[word], owner[word] = margin, index
    return owner


class Label(ModelStage):
    """``dataset.map(Label(config), batched=True, with_rank=True)``: adds tags and scored entities."""

    stage = "label"
    input_fields = ("words_column",)
    output_fields = ("tags_column", "entities_column")

    def __init__(self, config: LabelConfig) -> None:
        self.config = config
        self.label_map = LabelMap.parse(config.label_map)

    def _load(self, rank: int | None) -> None:
        if self._model is not None:
            return
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        c = self.config
        self._device = pick_device(c.device, rank)
        with loading("NER model", c.model, c.revision):
            self._tokenizer = AutoTokenizer.from_pretrained(c.model, revision=c.revision)
            self._model = AutoModelForTokenClassification.from_pretrained(
                c.model, revision=c.revision, dtype=pick_dtype(c.dtype, self._device)
            ).to(self._device).eval()
        self.model_tags = self.label_mapping()
        self._tag_names = sorted(set(self.model_tags) | {OUTSIDE}, key=lambda t: (t != OUTSIDE, t))
        self._tag_of_label = [self._tag_names.index(t) for t in self.model_tags]
        limits = [c.max_length or self._tokenizer.model_max_length or 512]
        positions = getattr(self._model.config, "max_position_embeddings", None)
        if positions:
            # RoBERTa-style models keep two positions for padding offsets.
            limits.append(positions - 2 if self._model.config.model_type in ("roberta", "xlm-roberta") else positions)
        self._window = min(limits) - self._tokenizer.num_special_tokens_to_add(pair=False)

    def model_labels(self) -> list[str]:
        """The model's label names in id order (loads the model's config only)."""
        if self._model is not None:
            id2label = self._model.config.id2label
        else:
            from transformers import AutoConfig

            with loading("NER model", self.config.model, self.config.revision):
                id2label = AutoConfig.from_pretrained(self.config.model, revision=self.config.revision).id2label
        return [id2label[i] for i in range(len(id2label))]

    def label_mapping(self) -> list[str]:
        """The target tag of each model label id, by name (loads the model's config only)."""
        types = frozenset(self.config.target_types)
        labels = self.model_labels()
        self.label_map.check_types(_model_types(labels), where=f"the NER model {self.config.model}",
                                   strict=self.config.strict)
        return [target_tag(label, self.label_map, types, self.config.model) for label in labels]

    def produced_types(self) -> tuple[str, ...]:
        """The entity types the model's labels become through the label map (``O`` left out), in the
        model's order: the label set of a run whose sentences have no gold tags to name one."""
        labels = [label for label in self.model_labels() if label != OUTSIDE]
        mapped = dict.fromkeys(self.label_map.map_type(label.partition("-")[2] or label) for label in labels)
        types = frozenset(mapped) - {OUTSIDE}
        for label in labels:  # refuses labels without names, as labelling would
            target_tag(label, self.label_map, types, self.config.model)
        return tuple(t for t in mapped if t != OUTSIDE)

    def label(self, sentences: Sequence[Sequence[str]], rank: int | None = None) -> list[Labelled]:
        """Tags, probabilities and entities for each sentence (lists of words), in input order."""
        import torch

        self._load(rank)
        jobs: list[tuple[int, int, int]] = []  # (sentence, window start, window end)
        spans_of: list[list[tuple[int, int]]] = []
        for index, words in enumerate(sentences):
            spans = windows(self._subword_counts(words), self._window) if words else []
            spans_of.append(spans)
            jobs.extend((index, start, end) for start, end in spans)
        order = sorted(range(len(jobs)), key=lambda j: -(jobs[j][2] - jobs[j][1]))
        per_window: dict[int, tuple[list[int], list[float]]] = {}
        for first in range(0, len(order), self.config.batch_size):
            chunk = order[first:first + self.config.batch_size]
            words = [list(sentences[jobs[j][0]][jobs[j][1]:jobs[j][2]]) for j in chunk]
            encoded = self._tokenizer(
                words, is_split_into_words=True, truncation=True,
                max_length=self._window + self._tokenizer.num_special_tokens_to_add(pair=False),
                padding=True, return_tensors="pt",
            )
            with torch.inference_mode():
                logits = self._model(**{k: v.to(self._device) for k, v in encoded.items()}).logits
            probs = self._merged_probabilities(logits.float().softmax(-1))
            for row, job in enumerate(chunk):
                per_window[job] = self._first_subword(encoded.word_ids(row), probs[row], len(words[row]))
        results: list[Labelled] = []
        job = 0
        for index, words in enumerate(sentences):
            spans = spans_of[index]
            owners = owner_windows(spans, len(words))
            tag_ids: list[int] = []
            probabilities: list[float] = []
            for word, owner in enumerate(owners):
                ids, ps = per_window[job + owner]
                offset = word - spans[owner][0]
                tag_ids.append(ids[offset])
                probabilities.append(ps[offset])
            job += len(spans)
            tags = repair_iob2([self._tag_names[i] for i in tag_ids])
            entities = [
                ScoredSpan(span, sum(probabilities[span.start:span.end]) / len(span))
                for span in tags_to_spans(tags)
            ]
            results.append(Labelled(tags, probabilities, entities))
        return results

    def _subword_counts(self, words: Sequence[str]) -> list[int]:
        """Subwords per word as the model will see them (at least 1, so every word is placed)."""
        word_ids = self._tokenizer(
            list(words), is_split_into_words=True, add_special_tokens=False, verbose=False
        ).word_ids()
        counts = [0] * len(words)
        for word in word_ids:
            if word is not None:
                counts[word] += 1
        return [max(1, n) for n in counts]

    def _merged_probabilities(self, probs: torch.Tensor) -> torch.Tensor:  # noqa: F821
        """Model-label probabilities summed into target-tag probabilities (``[..., tags]``)."""
        import torch

        index = torch.tensor(self._tag_of_label, device=probs.device)
        merged = torch.zeros(*probs.shape[:-1], len(self._tag_names), device=probs.device)
        return merged.index_add_(-1, index, probs)

    @staticmethod
    def _first_subword(word_ids: list[int | None], probs: torch.Tensor, n_words: int) -> tuple[list[int], list[float]]:  # noqa: F821
        """Tag id and probability per word, from each word's first subword; a word with no subword
        (the tokenizer dropped it, or truncation cut it) is ``O`` (tag id 0) with probability 1."""
        best_p, best_id = probs.max(-1)
        ids, ps = [0] * n_words, [1.0] * n_words
        seen: set[int] = set()
        for position, word in enumerate(word_ids):
            if word is not None and word not in seen:
                seen.add(word)
                ids[word], ps[word] = int(best_id[position]), float(best_p[position])
        return ids, ps

    def features(self, given: datasets.Features) -> datasets.Features:
        """The output's features: the input's, the tags and the scored entities."""
        from projner.processing.stages.features import SCORED_SPANS, STRINGS, added

        return added(given, {self.config.tags_column: STRINGS, self.config.entities_column: SCORED_SPANS})

    def __call__(self, batch: dict[str, list], rank: int | None = None) -> dict[str, list]:
        c = self.config
        labelled = self.label(batch[c.words_column], rank)
        return {
            c.tags_column: [item.tags for item in labelled],
            c.entities_column: [[e.as_dict() for e in item.entities] for item in labelled],
        }


def _model_types(labels: Sequence[str]) -> list[str]:
    """The entity types of a model's labels (``B-PER``, ``I-PER`` → ``PER``); other names are skipped
    here and refused, by name, where they are mapped."""
    return list(dict.fromkeys(label.partition("-")[2] for label in labels if label[:2] in ("B-", "I-")))
