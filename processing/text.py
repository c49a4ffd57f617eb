"""Words as text: Unicode normalisation that never leaves a combining mark on its own.

Machine translation and some tokenisers split tone marks off their letters (Yoruba ``ọ̀`` becomes
``ọ`` and a lone ``\u0300``); a lone mark is not a word, breaks alignment and feature extraction,
and must rejoin the word before it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


def is_combining_only(word: str) -> bool:
    """True for a non-empty word made only of combining marks (category M*)."""
    return bool(word) and all(unicodedata.category(ch).startswith("M") for ch in word)


def normalize_words(words: Sequence[str]) -> tuple[list[str], list[int]]:
    """NFC words with stray combining marks glued to the word before them.

    Returns the new words and, for each input word, the index of the output word it went into, so
    tags and alignments of the input can be carried over. A mark at the very start of a sentence has
    no word to join and stays a word of its own (NFC-normalised).
    """
    out: list[str] = []
    origin: list[int] = []
    for word in words:
        if is_combining_only(word) and out:
            out[-1] = unicodedata.normalize("NFC", out[-1] + word)
        else:
            out.append(unicodedata.normalize("NFC", word))
        origin.append(len(out) - 1)
    return out, origin
