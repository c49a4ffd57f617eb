"""Words as text: Unicode normalisation, sentences from gold words, words from translations.

Machine translation and some tokenisers split tone marks off their letters (Yoruba ``ọ̀`` becomes
``ọ`` and a lone ``\u0300``); a lone mark is not a word, breaks alignment and feature extraction,
and must rejoin the word before it. The same rule holds wherever text is cut into words here.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Sequence

import regex

from projner.languages import Language
from projner.processing.segmenters import segment


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


# --- Sentences from gold words, and words (with character offsets) from translations -----------
#
# The translator needs running text, not tokens: "Paris ," reads as a different string than
# "Paris,". What comes back is running text again, and every later stage (NER, alignment,
# projection) works on words, so the translation is split into words whose character spans are kept
# (``translation_offsets``) to tie every word to the exact text it came from.

_OPENING = frozenset("([{¿¡«‹“‘„‚")
_CLOSING_SYMBOLS = frozenset("%‰°")
_ENGLISH_CLITIC = regex.compile(r"(?i)^(.+?)(n['’]t|['’](?:s|re|ve|ll|d|m))$")
_SPACE_TOKEN = regex.compile(
    r"""
      (?:\p{L}\.){2,}                                   # abbreviations: U.S., U.N.
    | \p{N}+(?:[.,:/]\p{N}+)+                           # 1,000.50  12:30  1/2
    | (?:[\p{L}\p{N}]\p{M}*)+(?:['’\-‐](?:[\p{L}\p{N}]\p{M}*)+)*  # words, inner ' and - kept
    | \p{M}+                                            # a stray mark (rejoins its word below)
    | \S\p{M}*                                          # any other symbol, marks kept on it
    """,
    regex.VERBOSE,
)
_GRAPHEME = regex.compile(r"(?=\S)\X")
APOSTROPHE_LETTERS = {"hau": "bdyBDY"}
"""Orthographies that write some letters as an apostrophe and a letter: Hausa in ASCII spelling
writes ɓ, ɗ, ƴ as ``'b``, ``'d``, ``'y`` (``'yan``, ``'ya'ya``, ``'dan``; the MasakhaNER 2.0 gold
keeps ``'yan`` and ``‘yan`` one word). There, an apostrophe at the start of a word is part of it; in other
languages (and before other letters) it is a quotation mark, a word of its own."""


@functools.cache
def _space_token(iso639_3: str) -> regex.Pattern:
    """The word pattern of a space-separated script, with the language's apostrophe letters."""
    letters = APOSTROPHE_LETTERS.get(iso639_3)
    if not letters:
        return _SPACE_TOKEN
    initial = (r"(?<![\p{L}\p{N}\p{M}'‘’ʼ])['‘’ʼ](?=[" + regex.escape(letters)
               + r"])(?:[\p{L}\p{N}]\p{M}*)+(?:['’\-‐](?:[\p{L}\p{N}]\p{M}*)+)*")
    return regex.compile(initial + "|" + _SPACE_TOKEN.pattern, regex.VERBOSE)


def _is_closing(word: str) -> bool:
    """Punctuation written against the word before it: ``.``, ``,``, ``)``, ``%``, ``…``."""
    if word in _CLOSING_SYMBOLS:
        return True
    return all(
        unicodedata.category(ch) in ("Pe", "Pf") or (unicodedata.category(ch) == "Po" and ch not in "#&*@/\\\"'§¿¡")
        for ch in word
    )


def _is_opening(word: str) -> bool:
    """Punctuation written against the word after it: ``(``, ``«``, ``¿``, currency signs."""
    return all(ch in _OPENING or unicodedata.category(ch) in ("Ps", "Sc") for ch in word)


def _is_clitic(word: str) -> bool:
    """English-style clitics (``n't``, ``'s``) that belong to the word before them."""
    lowered = word.lower().replace("’", "'")
    return lowered == "n't" or (lowered.startswith("'") and lowered[1:] in ("s", "re", "ve", "ll", "d", "m"))


def _is_elision(word: str) -> bool:
    """Elided articles (``l'``, ``d'``, ``qu'``) that belong to the word after them."""
    return 2 <= len(word) <= 4 and word[-1] in "'’" and word[:-1].isalpha()


def _is_latin_word(word: str) -> bool:
    return len(word) > 1 and word.isascii() and word.isalnum()


def detokenize(words: Sequence[str], lang: Language) -> tuple[str, list[tuple[int, int]]]:
    """Running text from gold words, and the character span of every word in it.

    Languages written without spaces (``Language.spaces`` False: ja, zh, th, my) are joined with no
    space, except between two multi-letter ASCII words (``New York`` inside Japanese); others get a
    space between words except before closing punctuation and clitics, after opening punctuation and
    elided articles, and inside pairs of straight quotes.
    """
    text: list[str] = []
    offsets: list[tuple[int, int]] = []
    length = 0
    open_quote = {'"': False, "'": False}
    glue_next = True
    for word in words:
        if lang.spaces:
            glue = glue_next or _is_closing(word) or _is_clitic(word)
            glue_next = _is_opening(word) or _is_elision(word)
            if word in open_quote:
                glue = glue or open_quote[word]
                glue_next = not open_quote[word]
                open_quote[word] = not open_quote[word]
        else:
            glue = glue_next or not (_is_latin_word(word) and offsets and _is_latin_word(text[-1]))
            glue_next = False
        if not glue:
            text.append(" ")
            length += 1
        offsets.append((length, length + len(word)))
        text.append(word)
        length += len(word)
    return "".join(text), offsets


def split_words(text: str, lang: Language) -> tuple[list[str], list[tuple[int, int]]]:
    """Words of ``text`` (NFC) and their character spans ``(start, end)`` in ``text``.

    Space-separated scripts: letters and digits with their combining marks form words (inner
    apostrophes and hyphens kept: ``Baden-Württemberg``, ``l'homme``), numbers keep their separators,
    ``U.S.``-style abbreviations stay whole, every other symbol is a word of its own; for English the
    clitics ``n't``, ``'s``, ``'re``… are split off as in CoNLL-2003/Penn tokenisation; where the
    orthography writes a letter as apostrophe + letter (Hausa ``'yan``), a word may start with it. Scripts
    without spaces: the words of the language's segmenter (``Language.segmenter``, see
    :mod:`projner.processing.segmenters`), else one word per grapheme cluster (the tokenisation of
    PAN-X ja/zh, which keeps entity boundaries reachable). A combining mark is never separated from
    its letter; a stray mark after a space rejoins the word before it, whose span then covers the
    space (the word is its span with whitespace removed).
    """
    if unicodedata.normalize("NFC", text) != text:
        raise ValueError("split_words expects NFC text; normalise with unicodedata.normalize('NFC', ...)")
    spans = segment(text, lang.segmenter) if not lang.spaces and lang.segmenter is not None else None
    if spans is None:
        pattern = _space_token(lang.iso639_3) if lang.spaces else _GRAPHEME
        spans = [match.span() for match in pattern.finditer(text)]
    words: list[str] = []
    offsets: list[tuple[int, int]] = []
    for start, end in spans:
        word = text[start:end]
        if is_combining_only(word) and words:
            words[-1] = unicodedata.normalize("NFC", words[-1] + word)
            offsets[-1] = (offsets[-1][0], end)
            continue
        clitic = _ENGLISH_CLITIC.match(word) if lang.iso639_3 == "eng" else None
        if clitic and clitic.group(1)[-1].isalpha():
            cut = start + len(clitic.group(1))
            words += [clitic.group(1), clitic.group(2)]
            offsets += [(start, cut), (cut, end)]
            continue
        words.append(word)
        offsets.append((start, end))
    return words, offsets


_SENTENCE = regex.compile(r".+?(?:[.!?…。！？।؟]+['\"”’)\]]*(?=\s|$)|[。！？]+|$)", regex.DOTALL)
_WHITESPACE_FREE = regex.compile(r"\S+")
_CLUSTER = regex.compile(r"\X", regex.DOTALL)


def piece_spans(text: str, fits: Callable[[str], bool]) -> list[tuple[int, int]]:
    """Character spans that cut ``text`` into as few pieces as possible that each ``fits``.

    For inputs longer than a model takes: whole sentences are packed together first; a sentence that
    is too long alone is cut between words, a word between grapheme clusters (one cluster is kept
    even if it does not fit). Whitespace between pieces belongs to none of them.
    """
    if fits(text):
        return [(0, len(text))]
    levels = (_SENTENCE, _WHITESPACE_FREE, _CLUSTER)

    def cut(start: int, end: int, level: int) -> list[tuple[int, int]]:
        packed: list[tuple[int, int]] = []
        for match in levels[level].finditer(text, start, end):
            unit = text[match.start():match.end()]
            if not unit.strip():
                continue
            unit_start = match.start() + len(unit) - len(unit.lstrip())
            unit_end = match.end() - (len(unit) - len(unit.rstrip()))
            if packed and fits(text[packed[-1][0]:unit_end]):
                packed[-1] = (packed[-1][0], unit_end)
            else:
                packed.append((unit_start, unit_end))
        out: list[tuple[int, int]] = []
        for piece in packed:
            if level + 1 < len(levels) and not fits(text[piece[0]:piece[1]]):
                out.extend(cut(piece[0], piece[1], level + 1))
            else:
                out.append(piece)
        return out

    return cut(0, len(text), 0)
