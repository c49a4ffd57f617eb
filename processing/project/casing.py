"""Letter case of a word, the one orthographic cue to names that most scripts with case share.

Names start with a capital in Latin, Cyrillic, Greek and Armenian script languages; a word whose
letters have no case (Han, Arabic, Ethiopic, Devanagari…) carries no such cue and must not be
treated as lower case.
"""

from __future__ import annotations

UPPER = 1
LOWER = -1
UNCASED = 0


def first_case(word: str) -> int:
    """``UPPER``/``LOWER`` from the first letter that has case; ``UNCASED`` where none has."""
    head = word[:1]
    if head.isupper():
        return UPPER
    if head.islower():
        return LOWER
    for char in word:
        if char.lower() != char.upper():
            return UPPER if char.isupper() or char.istitle() else LOWER
    return UNCASED


def has_alnum(word: str) -> bool:
    """True if the word holds a letter or a digit (is not punctuation only)."""
    return word.isalnum() or any(char.isalnum() for char in word)
