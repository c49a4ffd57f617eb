"""Word features of the CRF tagger: the word, its affixes, its shape and flags, for it and ±2 neighbours.

Kept to surface features only, so that a score difference between two silver corpora measures their
labels, not a pretrained model's prior knowledge of the language.
"""

from __future__ import annotations

from collections.abc import Sequence

WINDOW = 2
"""Neighbours on each side whose features a word also sees."""

AFFIX_LENGTHS = (1, 2, 3, 4)


def word_shape(word: str) -> str:
    """Each character as its class: ``"McDonald's"`` → ``"XxXxxxxx'x"``, ``"1996-08"`` → ``"dddd-dd"``.

    Upper ``X``, lower ``x``, digit ``d``, other letters (scripts without case) ``a``; anything else
    stays itself, so punctuation inside names is kept.
    """
    return "".join(_char_class(char) for char in word)


def _char_class(char: str) -> str:
    if char.isupper():
        return "X"
    if char.islower():
        return "x"
    if char.isdigit():
        return "d"
    if char.isalpha():
        return "a"
    return char


def word_features(word: str) -> dict[str, str | bool]:
    """The features one word contributes, without position prefix; flags appear only when true."""
    lower = word.lower()
    features: dict[str, str | bool] = {"word": word, "lower": lower, "shape": word_shape(word)}
    for flag, value in (("title", word.istitle()), ("upper", word.isupper()), ("digit", word.isdigit())):
        if value:
            features[flag] = True
    for length in AFFIX_LENGTHS:
        if len(word) >= length:
            features[f"pre{length}"] = word[:length]
            features[f"suf{length}"] = word[-length:]
    return features


def sentence_features(words: Sequence[str]) -> list[dict[str, str | bool]]:
    """One feature dict per word: its own features, then each neighbour's under ``-2:`` … ``+2:``.

    Sentence edges are features too (``BOS``/``EOS`` on the first and last word), since the start of
    a sentence is where capitalisation says least about names.
    """
    own = [word_features(word) for word in words]
    out: list[dict[str, str | bool]] = []
    for index in range(len(words)):
        features: dict[str, str | bool] = {"bias": True, **own[index]}
        for offset in range(-WINDOW, WINDOW + 1):
            position = index + offset
            if offset == 0 or not 0 <= position < len(words):
                continue
            prefix = f"{offset:+d}:"
            features.update({prefix + name: value for name, value in own[position].items()})
        if index == 0:
            features["BOS"] = True
        if index == len(words) - 1:
            features["EOS"] = True
        out.append(features)
    return out
