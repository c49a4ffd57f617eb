"""A made-up tagged corpus for the training tests: names in fixed contexts, held-out names in test.

Generated, not cut from real data, so it is small, free to ship, and has a pattern a tagger must
learn (context words and capitalisation); a tagger that learns nothing scores near zero on it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

FIRST = ("Amina", "Bello", "Chidi", "Dauda", "Emeka", "Fatima", "Garba", "Halima", "Ibrahim", "Jummai",
         "Kabiru", "Ladi", "Musa", "Ngozi", "Obi", "Rabi", "Sani", "Tunde", "Usman", "Zainab")
LAST = ("Abubakar", "Okafor", "Yusuf", "Adamu", "Nwosu", "Lawal", "Eze", "Danjuma", "Okeke", "Sule")
PLACES = ("Kano", "Abuja", "Lagos", "Kaduna", "Enugu", "Sokoto", "Jos", "Ibadan", "Zaria", "Owerri",
          "Maiduguri", "Bauchi", "Katsina", "Yola")
ORGS = (("Hukumar", "Zabe"), ("Bankin", "Duniya"), ("Majalisar", "Dinkin", "Duniya"), ("Kungiyar", "Kwadago"),
        ("Jami'ar", "Bayero"), ("Kamfanin", "Mai"), ("Rundunar", "Soja"), ("Hukumar", "Kwastam"))
DAYS = ("Litinin", "Talata", "Laraba", "Alhamis", "Juma'a")
TEMPLATES = (
    "PER ya ziyarci LOC a ranar DATE .",
    "shugaban ORG PER ya ce za su je LOC .",
    "a LOC , ORG ta gana da PER .",
    "PER da PER sun isa LOC ranar DATE .",
    "ORG ta bayyana cewa ma'aikata a LOC sun yi yajin aiki .",
)


def _entity(kind: str, rng: random.Random, held_out: bool) -> tuple[list[str], str]:
    half = slice(len(FIRST) // 2, None) if held_out else slice(None, len(FIRST) // 2)
    if kind == "PER":
        first = rng.choice(FIRST[half])
        return ([first, rng.choice(LAST)] if rng.random() < 0.6 else [first]), "PER"
    if kind == "LOC":
        places = PLACES[len(PLACES) // 2:] if held_out else PLACES[: len(PLACES) // 2]
        return [rng.choice(places)], "LOC"
    if kind == "ORG":
        orgs = ORGS[len(ORGS) // 2:] if held_out else ORGS[: len(ORGS) // 2]
        return list(rng.choice(orgs)), "ORG"
    return [rng.choice(DAYS)], "DATE"


def sentences(count: int, *, seed: int, held_out: bool = False) -> list[tuple[list[str], list[str]]]:
    """``count`` (words, IOB2 tags) sentences; ``held_out`` uses names the other half never has."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        words: list[str] = []
        tags: list[str] = []
        for slot in rng.choice(TEMPLATES).split():
            if slot in ("PER", "LOC", "ORG", "DATE"):
                entity, label = _entity(slot, rng, held_out)
                words += entity
                tags += [f"B-{label}"] + [f"I-{label}"] * (len(entity) - 1)
            else:
                words.append(slot)
                tags.append("O")
        out.append((words, tags))
    return out


def write_conll(path: Path, corpus: Sequence[tuple[Sequence[str], Sequence[str]]]) -> Path:
    """``word TAG`` lines, a blank line after each sentence."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for words, tags in corpus:
            handle.writelines(f"{w} {t}\n" for w, t in zip(words, tags))
            handle.write("\n")
    return path
