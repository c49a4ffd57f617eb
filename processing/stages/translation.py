"""Machine translation with NLLB-200 (any size, or a local folder), as a ``Dataset.map`` stage.

The target language is forced by its NLLB code from the language table (the first generated token),
the source code is set on the tokenizer. Inputs are sorted by length so a batch pads little, and put
back in input order. An input longer than the model was trained on (512 tokens for NLLB-200) is cut
at sentence ends, else word ends, else characters, and the pieces' translations are joined: nothing
is truncated silently, and ``translation_pieces`` says how many pieces a sentence became. A
translation that hit ``max_new_tokens`` before its end-of-sentence token is flagged in
``translation_complete``. All of this is the stage's whatever engine generates: ``transformers`` or
CTranslate2 (:mod:`projner.processing.translation_backends`), which gets the same input ids and
gives back the same kind of output ids.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from projner.languages import Language, canonical_codes, get_language
from projner.processing.defaults import DEFAULT_TRANSLATOR, EASYPROJECT_TRANSLATOR
from projner.processing.fingerprint import stage_fingerprint
from projner.processing.model_loading import loading
from projner.processing.runtime import (
    EXECUTION_ONLY,
    ModelFields,
    ModelStage,
    model_revision,
    pick_device,
    pick_dtype,
    projner_cache_root,
)
from projner.processing.stages.base import check_at_least_one
from projner.processing.stages.columns import MarkedTranslation
from projner.processing.stages.words import SegmentingStage
from projner.processing.text import piece_spans
from projner.processing.translation_backends import (
    CTranslate2Generator,
    Generator,
    LoadCheck,
    TransformersGenerator,
    check_backend,
    check_ctranslate2_tokenizer,
    convert,
    ctranslate2_device,
    is_ctranslate2_folder,
    resolved_compute_type,
)

if TYPE_CHECKING:
    import datasets


@dataclass(frozen=True)
class TranslateConfig(ModelFields):
    """One translation direction with one model; the execution-only fields stay out of the cache key."""

    source_lang: str
    target_lang: str
    model: str = DEFAULT_TRANSLATOR
    backend: str = "transformers"
    """``transformers`` (``generate``) or ``ctranslate2`` (a converted copy; the ``fast`` extra)."""
    compute_type: str = "auto"
    """Precision of the ctranslate2 backend (auto: int8 on CPU, float16 on GPU)."""
    tokenizer: str | None = None
    """Tokenizer id or path when the model has none of its own (the EasyProject model)."""
    tokenizer_revision: str | None = None
    num_beams: int = 4
    max_new_tokens: int = 256
    max_input_tokens: int = 512
    """Longest input (subword tokens) given to the model in one piece; NLLB-200 was trained on 512."""
    input_column: str = "sentence"
    output_column: str = "translation"
    pieces_column: str = "translation_pieces"
    complete_column: str = "translation_complete"
    batch_size: int = field(default=16, metadata=EXECUTION_ONLY)
    sort_by_length: bool = field(default=True, metadata=EXECUTION_ONLY)
    converted_dir: str | None = field(default=None, metadata=EXECUTION_ONLY)
    """Where the ctranslate2 backend keeps converted models (default ``<datasets cache>/projner/ctranslate2``)."""

    def __post_init__(self) -> None:
        canonical_codes(self, "source_lang", "target_lang")
        check_backend(self.backend, self.compute_type)
        check_at_least_one("TranslateConfig", self, "num_beams", "max_new_tokens", "max_input_tokens", "batch_size")
        if is_ctranslate2_folder(self.model):
            if self.backend != "ctranslate2":
                raise ValueError(f"{self.model} is a CTranslate2 model: translate with backend ctranslate2")
            check_ctranslate2_tokenizer(self.model, self.tokenizer)


@dataclass(frozen=True, slots=True)
class Translated:
    """One input's translation, how many pieces it was cut into, and whether every piece ended."""

    text: str
    pieces: int
    complete: bool
    generated_tokens: int


class Translate(ModelStage):
    """``dataset.map(Translate(config), batched=True, with_rank=True)``: adds the translation.

    The model (``_model``: the backend's generator) loads on first use, in each worker process or
    actor that holds the stage, and is never pickled, so the stage can be sent to ``num_proc``
    workers; with ``device="cuda"`` worker ``rank`` uses GPU ``rank % n``, with either backend.
    """

    stage = "translate"
    input_fields = ("input_column",)
    output_fields = ("output_column", "pieces_column", "complete_column")

    def __init__(self, config: TranslateConfig) -> None:
        self.config = config
        self.source: Language = get_language(config.source_lang)
        self.target: Language = get_language(config.target_lang)
        self.source_code = self.source.require_nllb()
        self.target_code = self.target.require_nllb()

    def fingerprint_params(self) -> dict[str, Any]:
        """The model's parameters with the precision of the backend that runs, and the version of a
        tokenizer loaded from elsewhere."""
        params = super().fingerprint_params()
        if self.config.backend == "ctranslate2":
            del params["dtype"]
            params["compute_type"] = resolved_compute_type(self.config.compute_type, self.config.device)
        else:
            del params["compute_type"]
        if self.config.tokenizer is not None:
            params["tokenizer_version"] = model_revision(self.config.tokenizer, self.config.tokenizer_revision)
        return params

    # -- model ------------------------------------------------------------------------------------
    def _load(self, rank: int | None) -> None:
        if self._model is not None:
            return
        from transformers import AutoTokenizer

        c = self.config
        tokenizer_id = c.tokenizer or c.model
        tokenizer_revision = c.tokenizer_revision if c.tokenizer else c.revision
        with loading("translator's tokenizer", tokenizer_id, tokenizer_revision):
            self._tokenizer = AutoTokenizer.from_pretrained(tokenizer_id, revision=tokenizer_revision)
        if not hasattr(self._tokenizer, "src_lang"):
            raise ValueError(
                f"{tokenizer_id}: tokenizer {type(self._tokenizer).__name__} has no source-language "
                "setting; projner translates with NLLB-200 tokenizers (language codes such as eng_Latn)"
            )
        self._tokenizer.src_lang = self.source_code
        forced = self._tokenizer.convert_tokens_to_ids(self.target_code)
        if forced is None or forced == self._tokenizer.unk_token_id:
            raise ValueError(f"{tokenizer_id}: the tokenizer has no language token {self.target_code!r}")
        self._forced_bos = forced
        self._model = self._generator(rank)

    def _generator(self, rank: int | None) -> Generator:
        """The engine of ``config.backend``, on the device of worker ``rank``."""
        c = self.config
        if c.backend == "transformers":
            self._device = pick_device(c.device, rank)
            return TransformersGenerator(c.model, c.revision, self._tokenizer, self._forced_bos,
                                         device=self._device, dtype=pick_dtype(c.dtype, self._device),
                                         num_beams=c.num_beams, max_new_tokens=c.max_new_tokens)
        import torch

        kind, index = ctranslate2_device(c.device, rank)
        self._device = torch.device(kind, index) if kind == "cuda" else torch.device(kind)
        return CTranslate2Generator(self.ctranslate2_folder(), self.target_code,
                                    reconvert=None if is_ctranslate2_folder(c.model) else self.ctranslate2_folder,
                                    device=kind, device_index=index,
                                    compute_type=resolved_compute_type(c.compute_type, c.device),
                                    num_beams=c.num_beams, max_new_tokens=c.max_new_tokens,
                                    threads=torch.get_num_threads())

    def ctranslate2_folder(self, load_error: LoadCheck | None = None) -> Path:
        """The model in CTranslate2's format: converted on the first call, from the cache after
        (converted again where ``load_error`` finds the cached copy damaged)."""
        c = self.config
        return convert(c.model, c.revision, self.revision(), resolved_compute_type(c.compute_type, c.device),
                       c.converted_dir or projner_cache_root() / "ctranslate2", c.tokenizer, c.tokenizer_revision,
                       load_error)

    def _token_count(self, text: str) -> int:
        return len(self._tokenizer(text, add_special_tokens=False)["input_ids"])

    # -- translation ------------------------------------------------------------------------------
    def translate(self, texts: Sequence[str], rank: int | None = None) -> list[Translated]:
        """Translate ``texts`` (any order of lengths); results come back in input order."""
        self._load(rank)
        c = self.config
        owners: list[int] = []
        pieces: list[str] = []
        for index, text in enumerate(texts):
            text = text.strip()
            if not text:
                continue
            for start, end in piece_spans(text, lambda t: self._token_count(t) <= c.max_input_tokens):
                owners.append(index)
                pieces.append(text[start:end].strip())
        outputs = self._generate(pieces)
        joined: list[list[tuple[str, bool, int]]] = [[] for _ in texts]
        for owner, output in zip(owners, outputs):
            joined[owner].append(output)
        separator = " " if self.target.spaces else ""
        return [
            Translated(
                text=unicodedata.normalize("NFC", separator.join(t for t, _, _ in parts)),
                pieces=len(parts),
                complete=all(done for _, done, _ in parts),
                generated_tokens=sum(n for _, _, n in parts),
            )
            for parts in joined
        ]

    def _generate(self, pieces: list[str]) -> list[tuple[str, bool, int]]:
        """(text, ended before the length limit, tokens generated) per piece, in input order."""
        c = self.config
        input_ids = self._tokenizer(pieces)["input_ids"] if pieces else []
        order = list(range(len(pieces)))
        if c.sort_by_length:
            order.sort(key=lambda i: -len(input_ids[i]))
        results: list[tuple[str, bool, int]] = [("", True, 0)] * len(pieces)
        end_ids, pad = self._model.end_ids, self._tokenizer.pad_token_id
        for first in range(0, len(order), c.batch_size):
            chunk = order[first:first + c.batch_size]
            generated = self._model.generate([input_ids[i] for i in chunk])
            texts = self._tokenizer.batch_decode(generated, skip_special_tokens=True)
            for row, index, text in zip(generated, chunk, texts):
                ended = any(token in end_ids for token in row)
                produced = sum(1 for token in row if token != pad and token not in end_ids)
                results[index] = (text.strip(), ended, produced)
        return results

    def __call__(self, batch: dict[str, list], rank: int | None = None) -> dict[str, list]:
        c = self.config
        translated = self.translate(batch[c.input_column], rank)
        return {
            c.output_column: [t.text for t in translated],
            c.pieces_column: [t.pieces for t in translated],
            c.complete_column: [t.complete for t in translated],
        }


# --- EasyProject: entities carried through translation inside markers ---------------------------


@dataclass(frozen=True)
class EasyProjectTranslateConfig(MarkedTranslation):
    """Marker-wrapped sentences and their entities, translated by the EasyProject model: ``translate``
    holds the direction, the model (default the EasyProject one, with the base tokenizer) and decoding."""

    translate: TranslateConfig


def easyproject_translate_config(source_lang: str, target_lang: str, **options: Any) -> TranslateConfig:
    """A :class:`TranslateConfig` for the EasyProject model and the base NLLB tokenizer it needs."""
    return TranslateConfig(source_lang, target_lang, **({"model": EASYPROJECT_TRANSLATOR,
                                                        "tokenizer": DEFAULT_TRANSLATOR} | options))


class EasyProjectTranslate:
    """``dataset.map(EasyProjectTranslate(config), batched=True, with_rank=True)``.

    Each sentence is detokenised with ``[``/``]`` around its entities (``mark_words`` of
    :mod:`projner.processing.project.easyproject`) and translated; each entity's words are
    translated on their own (once per distinct string in a batch), for the matching that
    :class:`ProjectMarked` does next.
    """

    stage = "easyproject_translate"

    def __init__(self, config: EasyProjectTranslateConfig) -> None:
        self.config = config
        self.translator = Translate(config.translate)

    def revision(self) -> str | None:
        return self.translator.revision()

    @property
    def inputs(self) -> tuple[str, ...]:
        return (self.config.words_column, self.config.tags_column)

    @property
    def outputs(self) -> tuple[str, ...]:
        c = self.config
        return (c.marked_column, c.entities_column, c.translate.pieces_column, c.translate.complete_column)

    def fingerprint(self, previous: str) -> str:
        c = self.config
        columns = (c.words_column, c.tags_column, c.marked_column, c.entities_column)
        return stage_fingerprint(self.translator.fingerprint(previous), self.stage, {"columns": columns})

    def features(self, given: datasets.Features) -> datasets.Features:
        """The output's features: the input's, the marked translation, each entity's translation and
        the translation's pieces and completeness."""
        from projner.processing.stages.features import BOOL, INT, STRING, STRINGS, added

        c = self.config
        return added(given, {c.marked_column: STRING, c.entities_column: STRINGS,
                             c.translate.pieces_column: INT, c.translate.complete_column: BOOL})

    def __call__(self, batch: dict[str, list], rank: int | None = None) -> dict[str, list]:
        from projner.processing.project.easyproject import mark_words
        from projner.processing.project.spans import tags_to_spans
        from projner.processing.text import detokenize

        c = self.config
        source = self.translator.source
        marked: list[str] = []
        entity_texts: list[list[str]] = []
        for words, tags in zip(batch[c.words_column], batch[c.tags_column]):
            entities = tags_to_spans(tags)
            marked.append(detokenize(mark_words(words, entities), source)[0])
            entity_texts.append([detokenize(words[e.start:e.end], source)[0] for e in entities])
        translated = self.translator.translate(marked, rank)
        distinct = sorted({text for texts in entity_texts for text in texts})
        entity_translation = dict(zip(distinct, (t.text for t in self.translator.translate(distinct, rank))))
        return {
            c.marked_column: [t.text for t in translated],
            c.entities_column: [[entity_translation[text] for text in texts] for texts in entity_texts],
            self.config.translate.pieces_column: [t.pieces for t in translated],
            self.config.translate.complete_column: [t.complete for t in translated],
        }


@dataclass(frozen=True)
class ProjectMarkedConfig(MarkedTranslation):
    """Which columns hold the marked translation, how spans are matched, where results go."""

    target_lang: str
    threshold: float = 0.5
    elimination: bool = True
    text_column: str = "translation"
    tokens_column: str = "tgt_tokens"
    offsets_column: str = "translation_offsets"
    output_tags_column: str = "projected_tags"
    output_entities_column: str = "tgt_entities"
    problems_column: str = "easyproject_problems"
    issues_column: str = "projection_issues"

    def __post_init__(self) -> None:
        canonical_codes(self, "target_lang")


_PROBLEM_KINDS = (
    ("marker", "unbalanced markers"),
    ("empty marked span", "empty marked span"),
    ("holds no word", "empty marked span"),
    ("overlaps another", "overlap"),
    ("matches no entity", "marked span without entity"),
    ("has no marked span", "entity without marked span"),
)


def problem_kinds(problems: Sequence[str]) -> list[str]:
    """EasyProject's problem messages (which name words and positions) as countable kinds."""
    kinds = {next((kind for needle, kind in _PROBLEM_KINDS if needle in problem), "other") for problem in problems}
    return sorted(kinds)


class ProjectMarked(SegmentingStage):
    """``.map`` adapter of EasyProject's marker parsing and matching (``project_marked``).

    Adds (default names) the clean ``translation``, its ``tgt_tokens`` and ``translation_offsets``,
    ``projected_tags``, ``tgt_entities`` (score: similarity of the span to the entity's translation),
    ``easyproject_problems`` (every message, for inspection) and ``projection_issues``: empty when every
    entity found its marked span and every marked span its entity, else the kinds of problem met
    (``entity without marked span+unbalanced markers``…), so the sentence is counted, not lost.
    """

    stage = "easyproject_match"
    language_field = "target_lang"
    input_fields = ("words_column", "tags_column", "marked_column", "entities_column")
    output_fields = ("text_column", "tokens_column", "offsets_column", "output_tags_column",
                     "output_entities_column", "problems_column", "issues_column")

    def _split(self, text: str) -> tuple[list[str], list[tuple[int, int]]]:
        from projner.processing.text import split_words

        return split_words(text if unicodedata.is_normalized("NFC", text)
                           else unicodedata.normalize("NFC", text), self.language)

    def features(self, given: datasets.Features) -> datasets.Features:
        """The output's features: the input's, the clean translation, its words and their spans,
        the projected tags and spans, the problems met and the issues."""
        from projner.processing.stages import features as schema

        c = self.config
        return schema.added(given, {
            c.text_column: schema.STRING, c.tokens_column: schema.STRINGS, c.offsets_column: schema.PAIRS,
            c.output_tags_column: schema.STRINGS, c.output_entities_column: schema.SCORED_SPANS,
            c.problems_column: schema.STRINGS, c.issues_column: schema.STRING})

    def __call__(self, batch: dict[str, list]) -> dict[str, list]:
        from projner.processing.project.easyproject import (
            EasyProjectConfig,
            parse_markers,
            project_marked,
        )
        from projner.processing.project.spans import spans_to_tags, tags_to_spans

        c = self.config
        matching = EasyProjectConfig(threshold=c.threshold, elimination=c.elimination)
        text, tokens, offsets_out, tags_out, entities_out, problems_out, issues = (
            [] for _ in range(7))
        for words, tags, marked, entity_translations in zip(
            batch[c.words_column], batch[c.tags_column], batch[c.marked_column], batch[c.entities_column]
        ):
            result = project_marked(marked, words, tags_to_spans(tags), entity_translations, self._split, matching)
            clean = unicodedata.normalize("NFC", parse_markers(marked).text)
            _, offsets = self._split(clean)
            spans = [scored for _, scored in result.matches]
            text.append(clean)
            tokens.append(result.words)
            offsets_out.append([list(o) for o in offsets])
            tags_out.append(spans_to_tags([s.span for s in spans], len(result.words)))
            entities_out.append([s.as_dict() for s in spans])
            problems_out.append(list(result.problems))
            incomplete = any("no marked span" in p or "matches no entity" in p for p in result.problems)
            issues.append("+".join(problem_kinds(result.problems)) if incomplete else "")
        return {c.text_column: text, c.tokens_column: tokens, c.offsets_column: offsets_out,
                c.output_tags_column: tags_out, c.output_entities_column: entities_out,
                c.problems_column: problems_out, c.issues_column: issues}
