"""Typological distance between languages from URIEL feature vectors (the ``lang2vec`` package).

Feature sets: syntactic, phonological and inventory features are lang2vec's k-NN predictions
(``*_knn``: the typological databases' values, with gaps filled from similar languages), genetic
is family membership (``fam``), geographic the distances to fixed points on the globe (``geo``).
The distance of two languages is the cosine distance of their vectors (1 - cosine similarity).

With several source languages a target gets two distances per feature set:

- **nearest**: the smallest distance to any source language;
- **set**: the distance to the centroid (mean vector) of the source languages, i.e. to the source
  set taken as one point.

A language lang2vec does not know, or whose vector is all zeros (a language isolate has no family
features), gets no distance for that feature set and is listed, not dropped silently; a source
language without a vector (Twi has no family features) leaves the whole feature set without
distances, and is listed the same way (sources first).
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from projner.languages import LANGUAGES, Language, get_language

FEATURE_SETS: dict[str, str] = {
    "syntactic": "syntax_knn",
    "phonological": "phonology_knn",
    "inventory": "inventory_knn",
    "genetic": "fam",
    "geographic": "geo",
}
"""Feature set name used in the report → lang2vec feature set."""


@cache
def _lang2vec():
    """The ``lang2vec.lang2vec`` module.

    pip installs lang2vec's command-line script as ``bin/lang2vec.py``, and a console script such
    as ``projner`` runs with ``bin/`` first on ``sys.path``, so a plain import would find that
    script instead of the package; the import skips folders holding such a script.
    """
    saved = sys.path[:]
    sys.path[:] = [p for p in saved if not os.path.isfile(os.path.join(p or ".", "lang2vec.py"))]
    try:
        with warnings.catch_warnings():  # lang2vec imports pkg_resources, deprecated in setuptools
            warnings.simplefilter("ignore")
            import lang2vec.lang2vec as l2v
    finally:
        sys.path[:] = saved
    return l2v


@cache
def _available() -> frozenset[str]:
    return frozenset(_lang2vec().available_languages())


def uriel_code(language: Language) -> str | None:
    """The code lang2vec knows the language by: its ISO 639-3 code, or for a macrolanguage the
    individual language NLLB-200 uses (Arabic → ``arb``, Swahili → ``swh``); None if neither."""
    candidates = [language.iso639_3]
    if language.nllb:
        candidates.append(language.nllb.split("_")[0])
    return next((code for code in candidates if code in _available()), None)


@cache
def _vectors(feature_set: str) -> dict[str, np.ndarray]:
    """lang2vec code → vector for every language of projner's table (one lang2vec call per set:
    loading the family features alone takes seconds)."""
    codes = sorted({code for lang in LANGUAGES if (code := uriel_code(lang))})
    features = _lang2vec().get_features(codes, FEATURE_SETS[feature_set])
    vectors = {}
    for code in codes:
        values = features[code]
        if any(v == "--" for v in values):  # only the non-predicted sets have gaps
            continue
        vector = np.asarray(values, dtype=float)
        if np.any(vector):
            vectors[code] = vector
    return vectors


def cosine_distance(a: np.ndarray, b: np.ndarray) -> float:
    """1 - cosine similarity, clamped at 0 against rounding for identical vectors."""
    return max(0.0, float(1.0 - np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))))


@dataclass
class Distances:
    """Distances of targets from the source set, per feature set, and what could not be measured."""

    sources: tuple[str, ...]
    nearest: dict[str, dict[str, float]] = field(default_factory=dict)
    """feature set → target code → distance to the nearest source."""
    to_set: dict[str, dict[str, float]] = field(default_factory=dict)
    """feature set → target code → distance to the centroid of the sources."""
    codes: dict[str, str] = field(default_factory=dict)
    """target code → the lang2vec code used, where it differs (sw → swh)."""
    missing: dict[str, list[str]] = field(default_factory=dict)
    """feature set → languages without a vector (not in lang2vec, or an all-zero vector): sources
    first, which leave that feature set without distances, then targets."""

    def unmeasured(self, feature_set: str) -> list[str]:
        """The sources without a vector in ``feature_set``, which leave it without any distance."""
        return [code for code in self.missing.get(feature_set, []) if code in self.sources]


def measure(targets: Iterable[str], sources: Sequence[str],
            feature_sets: Sequence[str] = tuple(FEATURE_SETS)) -> Distances:
    """Distances of every target from the sources (projner codes), per feature set."""
    source_langs = [get_language(code) for code in sources]
    target_langs = {get_language(code).code: get_language(code) for code in targets}
    result = Distances(sources=tuple(lang.code for lang in source_langs))
    lookup = {lang.code: uriel_code(lang) for lang in [*source_langs, *target_langs.values()]}
    for code, uriel in lookup.items():
        if uriel and uriel != get_language(code).iso639_3:
            result.codes[code] = uriel
    unknown_sources = [lang.code for lang in source_langs if lookup[lang.code] is None]
    if unknown_sources:
        raise ValueError(f"lang2vec has no features for the source language(s) {unknown_sources}")
    for feature_set in feature_sets:
        vectors = _vectors(feature_set)
        missing = [lang.code for lang in source_langs if lookup[lang.code] not in vectors]
        source_vectors = [vectors[lookup[lang.code]] for lang in source_langs if lang.code not in missing]
        measurable = not missing  # a source without a vector: no target has a distance in this set
        centroid = np.mean(source_vectors, axis=0) if measurable else None
        nearest, to_set = {}, {}
        for code in sorted(target_langs):
            vector = vectors.get(lookup[code]) if lookup[code] else None
            if vector is None:
                missing.append(code)
            elif measurable:
                nearest[code] = min(cosine_distance(vector, s) for s in source_vectors)
                to_set[code] = cosine_distance(vector, centroid)
        result.nearest[feature_set], result.to_set[feature_set] = nearest, to_set
        result.missing[feature_set] = list(dict.fromkeys(missing))
    return result


def source_set_distances(target: str, sources: Sequence[str],
                         feature_set: str = "syntactic") -> dict[str, float | None]:
    """One source set seen from one target: ``nearest`` (distance to the closest source), ``centroid``
    (to the set's mean vector) and ``diversity`` (mean pairwise distance inside the set; 0 for one
    source). None where lang2vec has no vector for the target; all three None where it has none for a
    source."""
    measured = measure([target], sources, (feature_set,))
    if measured.unmeasured(feature_set):
        return dict.fromkeys(("nearest", "centroid", "diversity"))
    code = get_language(target).code
    vectors = _vectors(feature_set)
    source_vectors = [vectors[uriel_code(get_language(s))] for s in sources]
    pairs = [cosine_distance(a, b) for k, a in enumerate(source_vectors) for b in source_vectors[k + 1:]]
    return {"nearest": measured.nearest[feature_set].get(code),
            "centroid": measured.to_set[feature_set].get(code),
            "diversity": sum(pairs) / len(pairs) if pairs else 0.0}
