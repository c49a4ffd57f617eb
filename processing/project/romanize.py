"""Romanized spellings and a spelling similarity that survives transliteration.

A name keeps its sound, not its letters, across scripts: ``Schulman`` is Thai ``ชูลแมน``
(uroman: ``chuunmaen``), Arabic ``شولمان`` (``shwlman``), Hindi ``शुलमैन`` (``shulamain``). To
compare such spellings, both words are romanized with uroman (Hermjakob et al. 2018, the universal
romanizer used for XLEnt's phonetic entity alignment), cached per word type, and reduced to a
**sound key**: Latin digraphs become one letter (``sch``/``sh`` → ``s``, ``ch`` → ``j``, ``ph`` → ``f``),
consonants fall into broad classes that transliteration confuses (``p b f v``, ``t d``, ``k g q c``,
``s z j``, ``l r``), every vowel and glide (``a e i o u y w``) becomes one symbol, ``h`` goes (it
comes and goes with aspiration and digraphs), and repeated symbols collapse (``ll`` → ``l``).
Scripts that write no short vowels (Arabic ``kwry`` for ``Kori``) still share the consonants.

Words carry affixes in many languages (Korean ``미국에서`` "in America", Arabic ``والولايات``
"and the States", English ``Clinton's``), so the similarity lets unmatched symbols at either end of
either key count less (``affix_weight``) than unmatched symbols inside the matched part: see
:func:`key_similarity`.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

import regex
from rapidfuzz.distance import Indel, LCSseq

_DIGRAPHS = (("sch", "s"), ("tch", "j"), ("ch", "j"), ("sh", "s"), ("zh", "s"), ("ph", "f"),
             ("th", "t"), ("dh", "d"), ("kh", "k"), ("gh", "g"), ("ck", "k"), ("qu", "kw"),
             ("ng", "n"), ("x", "ks"))
_CLASSES = str.maketrans({
    **dict.fromkeys("aeiouyw", "a"), **dict.fromkeys("pbfv", "p"), **dict.fromkeys("td", "t"),
    **dict.fromkeys("kgqc", "k"), **dict.fromkeys("szj", "s"), **dict.fromkeys("lr", "l"), "h": None,
})
_SOFT_C = regex.compile(r"c(?=[eiy])")
_REPEATS = regex.compile(r"(.)\1+")
_NOT_LATIN_ALNUM = regex.compile(r"[^a-z0-9]+")
_CLUSTER = regex.compile(r"\X")


@functools.cache
def _uroman() -> Any:
    """The romanizer, loaded once (its tables take about two seconds to read)."""
    try:
        import uroman
    except ImportError as err:  # pragma: no cover - uroman is a core dependency
        raise ImportError("romanized name links need uroman: pip install uroman") from err
    return uroman.Uroman()


@functools.lru_cache(maxsize=1 << 18)
def script_of(word: str) -> str | None:
    """The Unicode script of the word's first letter (``LATIN``, ``HANGUL``…); None without letters."""
    for char in word:
        if char.isalpha():
            name = unicodedata.name(char, "")
            return name.split(" ", 1)[0] if name else None
    return None


@functools.lru_cache(maxsize=1 << 18)
def script_head(word: str) -> str | None:
    """The part of a word before its letters change script, or None where they never do.

    A particle or case ending in the sentence's script on a name written in another (Korean
    ``UN의`` "of the UN", ``EU는``) leaves the name itself: ``UN``.
    """
    script = script_of(word)
    if script is None:
        return None
    for end, char in enumerate(word):
        if char.isalpha() and not unicodedata.name(char, "").startswith(script):
            return word[:end] if end else None
    return None


@functools.lru_cache(maxsize=1 << 18)
def romanize(word: str) -> str:
    """The word in lower-case ASCII letters and digits: uroman's romanization without diacritics."""
    latin = word if word.isascii() else _uroman().romanize_string(word)  # also Ł, ø, ß, æ
    plain = "".join(c for c in unicodedata.normalize("NFKD", latin) if not unicodedata.combining(c))
    return _NOT_LATIN_ALNUM.sub("", plain.casefold())


@functools.lru_cache(maxsize=1 << 18)
def alignment_stem(word: str, letters: int) -> str:
    """The shortest start of ``word`` (whole grapheme clusters) whose romanization has ``letters``
    letters or digits, lower-cased; the whole word, lower-cased, where none has.

    ``Parlaments`` → ``parl``, Korean ``미국에서`` ("in America") → ``미국`` (``migug``), Thai
    ``ดิจิตัล`` → ``ดิจิ``. A word aligner that sees stems learns one word where inflection makes
    several rare ones.
    """
    if word.isascii():
        return word[:letters].lower()
    clusters = _CLUSTER.findall(word)
    for end in range(1, len(clusters)):
        start = "".join(clusters[:end])
        if len(romanize(start)) >= letters:
            return start.lower()
    return word.lower()


def sound_key(romanized: str) -> str:
    """The romanized word reduced to broad sound classes (see the module docstring)."""
    key = _SOFT_C.sub("s", romanized)
    for digraph, letter in _DIGRAPHS:
        key = key.replace(digraph, letter)
    return _REPEATS.sub(r"\1", key.translate(_CLASSES))


@functools.lru_cache(maxsize=1 << 18)
def word_key(word: str) -> str:
    """:func:`sound_key` of the romanized word, cached per word type."""
    return sound_key(romanize(word))


def key_similarity(source: str, target: str, affix_weight: float = 1.0, score_cutoff: float = 0.0) -> float:
    """:func:`affix_similarity` of two sound keys with each consonant counted twice: a vowel symbol
    says little, every key has them."""
    return affix_similarity(_weighted(source), _weighted(target), affix_weight, score_cutoff)


def affix_similarity(source: str, target: str, affix_weight: float = 1.0, score_cutoff: float = 0.0) -> float:
    """Indel similarity ``2·matched / (len(source) + len(target))``, where symbols of ``target``
    before its first matched symbol or after its last count ``affix_weight`` instead of 1, as long as
    the matched part keeps at least half of it.

    With ``affix_weight=1`` this is the normalised Indel similarity. Below 1, a case ending,
    particle or article costs less than a mismatch inside the stem: Korean ``migugeseo`` ("in
    America") against ``migug``. Returns 0 below ``score_cutoff``.
    """
    total = len(source) + len(target)
    if not total:
        return 0.0
    matched = (total - Indel.distance(source, target)) // 2
    if matched == 0:
        return 0.0
    similarity = 2 * matched / total
    if affix_weight < 1.0 and matched < len(target) and 2 * matched / (total - (1 - affix_weight) * (len(target) - matched)) >= score_cutoff:
        start, end = _matched_span(source, target)
        affixes = min(len(target) - (end - start), len(target) // 2)
        similarity = 2 * matched / (total - (1 - affix_weight) * affixes)
    return similarity if similarity >= score_cutoff else 0.0


def _weighted(key: str) -> str:
    """The key with each consonant written twice, so that an edit similarity weighs it double."""
    return "".join(symbol if symbol == "a" else symbol + symbol.upper() for symbol in key)


def _matched_span(source: str, target: str) -> tuple[int, int]:
    """``(start, end)`` in ``target`` from the first to the last symbol that one longest common
    subsequence with ``source`` matches."""
    matched = [True] * len(target)
    for op in LCSseq.editops(source, target):
        if op.tag == "insert":
            matched[op.dest_pos] = False
    first = matched.index(True)
    return first, len(matched) - matched[::-1].index(True)
