"""Running text and words as ``Dataset.map`` stages over :mod:`projner.processing.text`: sentences
from gold words (what the translator reads) and words with character spans from translations."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from projner.languages import canonical_codes, get_language
from projner.processing.fingerprint import stage_fingerprint
from projner.processing.segmenters import segmenter_version
from projner.processing.stages.base import ConfigStage
from projner.processing.text import detokenize, split_words

if TYPE_CHECKING:
    import datasets


@dataclass(frozen=True)
class InLanguage:
    """A config that follows one language's writing rules; any spelling of its code is stored canonical."""

    lang: str

    def __post_init__(self) -> None:
        canonical_codes(self, "lang")


class LanguageStage(ConfigStage):
    """A stage that follows one language's writing rules: the config field ``language_field`` names it."""

    language_field: ClassVar[str] = "lang"

    def __init__(self, config: Any) -> None:
        super().__init__(config)
        self.language = get_language(getattr(config, self.language_field))


class SegmentingStage(LanguageStage):
    """A stage that cuts text into words: what it writes depends on the segmenter installed, so the
    fingerprint names the segmenter's version (graphemes where it is not installed)."""

    def fingerprint(self, previous: str) -> str:
        return stage_fingerprint(previous, self.stage, self.config,
                                 model_id=segmenter_version(self.language.segmenter))


@dataclass(frozen=True)
class DetokenizeConfig(InLanguage):
    """Which words to join, in which language, into which column."""

    words_column: str = "tokens"
    text_column: str = "sentence"


class Detokenize(LanguageStage):
    """``dataset.map(Detokenize(config), batched=True)``: adds the running-text column."""

    stage = "detokenize"
    input_fields = ("words_column",)
    output_fields = ("text_column",)

    def __call__(self, batch: dict[str, list]) -> dict[str, list]:
        return {self.config.text_column: [detokenize(words, self.language)[0]
                                          for words in batch[self.config.words_column]]}


@dataclass(frozen=True)
class SplitWordsConfig(InLanguage):
    """Which text to split, in which language, into which word and offset columns."""

    text_column: str = "translation"
    words_column: str = "tgt_tokens"
    offsets_column: str = "translation_offsets"


class SplitWords(SegmentingStage):
    """``dataset.map(SplitWords(config), batched=True)``: adds words and their character spans.

    The text is NFC-normalised first (MT output is not always); spans refer to the NFC text, which is
    what the translation stage stores.
    """

    stage = "split_words"
    input_fields = ("text_column",)
    output_fields = ("words_column", "offsets_column")

    def features(self, given: datasets.Features) -> datasets.Features:
        """The output's features: the input's, the words and their character spans."""
        from projner.processing.stages.features import PAIRS, STRINGS, added

        return added(given, {self.config.words_column: STRINGS, self.config.offsets_column: PAIRS})

    def __call__(self, batch: dict[str, list]) -> dict[str, list]:
        words_out: list[list[str]] = []
        offsets_out: list[list[list[int]]] = []
        for text in batch[self.config.text_column]:
            words, offsets = split_words(unicodedata.normalize("NFC", text or ""), self.language)
            words_out.append(words)
            offsets_out.append([list(span) for span in offsets])
        return {self.config.words_column: words_out, self.config.offsets_column: offsets_out}
