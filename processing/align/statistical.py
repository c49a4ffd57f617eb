"""An offline word aligner: eflomal (Östling & Tiedemann 2016), trained on the corpus at hand.

eflomal is a Bayesian HMM/fertility aligner fitted by Gibbs sampling. It needs no model weights, so
projection works end to end on CPU with nothing downloaded; it learns only from the sentence pairs
it is given, which is why extra unlabelled parallel text (same language pair) improves it.

It has no seed: two runs on the same small corpus give different links. projner therefore runs it
several times and keeps, per direction, the links that a majority of runs agree on before
symmetrising; a link that depends on the luck of one sampler does not survive the vote.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from projner.processing.align.links import (
    Link,
    Symmetrization,
    read_pharaoh,
    symmetrize,
)
from projner.processing.project.romanize import alignment_stem

SYMMETRIZATIONS: tuple[str, ...] = tuple(method.value for method in Symmetrization)
"""Every way of combining the two directions, by name (the commands' choices)."""
DEFAULT_SYMMETRIZATION: str = Symmetrization.INTERSECTION.value
"""How eflomal's directions are combined unless told otherwise, everywhere in projner: intersection
projects better than gdfa with eflomal on Europarl-NER (docs/projection.md)."""


@dataclass(frozen=True)
class EflomalConfig:
    """How eflomal is run and how its runs and directions are combined."""

    symmetrization: str = DEFAULT_SYMMETRIZATION
    """How forward and reverse links become one alignment (see :class:`Symmetrization`)."""
    runs: int = 3
    """Independent eflomal runs whose links are combined by voting."""
    min_votes: int | None = None
    """Runs that must agree on a link (per direction); None: a strict majority of ``runs``."""
    samplers: int = 1
    """Gibbs samplers per run (eflomal averages them; its own default is 3). Three runs of one
    sampler each, voted, align as well as three of three samplers here, at a third of the time."""
    rel_iterations: float = 1.0
    """Iterations relative to eflomal's default (which already grows as the corpus shrinks)."""
    model: int = 3
    """1: IBM1, 2: + HMM, 3: + fertility (eflomal's default and best)."""
    null_prior: float = 0.2
    """eflomal's prior probability of a word aligning to nothing."""
    stem_letters: int = 4
    """Align words by their stems: the shortest start of each word (whole grapheme clusters) whose
    romanization has this many letters, lower-cased (0: whole words). eflomal learns from a few
    hundred or thousand pairs only, and a name or noun that carries case endings, particles or
    clitics (Korean ``미국에서``/``미국의``, "in/of America"; German ``Parlaments``) would otherwise be
    several rare words; counting romanized letters gives scripts of dense syllables (Hangul: two
    syllables) and alphabets (four letters) comparable stems."""

    def __post_init__(self) -> None:
        if self.symmetrization not in {member.value for member in Symmetrization} | set(Symmetrization):
            raise ValueError(f"symmetrization {self.symmetrization!r} is not one of "
                             f"{', '.join(member.value for member in Symmetrization)}")
        if self.runs < 1 or self.samplers < 1:
            raise ValueError(f"runs and samplers must be >= 1, got {self.runs} and {self.samplers}")
        if self.min_votes is not None and not 1 <= self.min_votes <= self.runs:
            raise ValueError(f"min_votes must lie in 1..runs ({self.runs}), got {self.min_votes}")
        if self.stem_letters < 0:
            raise ValueError(f"stem_letters must be >= 0, got {self.stem_letters}")
        if self.model not in (1, 2, 3):
            raise ValueError(f"model must be 1, 2 or 3, got {self.model}")

    @property
    def votes_needed(self) -> int:
        return self.min_votes if self.min_votes is not None else self.runs // 2 + 1


def vote_links(runs: Sequence[Sequence[Sequence[Link]]], needed: int) -> list[list[Link]]:
    """Per sentence, the links found by at least ``needed`` of the runs (each run: links per sentence)."""
    voted: list[list[Link]] = []
    for per_run in zip(*runs):
        counts = Counter(link for links in per_run for link in set(map(tuple, links)))
        voted.append(sorted(link for link, votes in counts.items() if votes >= needed))
    return voted


VIEW_SYMMETRIZATIONS = ("intersection", "gdfa")
"""How each run's links are symmetrised into views: a precise and a recall-leaning one (where
several sources' views vote, a gdfa link that only one run saw costs little)."""


def run_views(runs: Sequence[tuple[Sequence[Sequence[Link]], Sequence[Sequence[Link]]]],
              symmetrizations: Sequence[str] = VIEW_SYMMETRIZATIONS) -> dict[str, list[list[Link]]]:
    """Every run's links (``align_runs``) symmetrised each way, unvoted: ``run<k>/<symmetrization>``
    → links per sentence. Each view projects on its own and votes in a multi-source combination,
    which keeps what each run saw instead of voting it away first."""
    return {view_name(k, method): [symmetrize(f, r, method) for f, r in zip(forward, reverse)]
            for k, (forward, reverse) in enumerate(runs) for method in symmetrizations}


def view_name(run: int, symmetrization: str) -> str:
    return f"run{run}/{symmetrization}"


def _eflomal_line(words: Sequence[str]) -> str:
    """One sentence as eflomal reads it: space-separated, so no word may hold whitespace."""
    return " ".join("_".join(word.split()) or "_" for word in words) + "\n"


class EflomalAligner:
    """:class:`~projner.processing.align.base.WordAligner` backed by the ``eflomal`` package.

    ``extra_source``/``extra_target``: further sentence pairs of the same language pair, used for
    training only (their links are not returned). Pass the whole corpus in one ``align`` call:
    eflomal learns from the batch.
    """

    def __init__(
        self,
        config: EflomalConfig = EflomalConfig(),
        *,
        extra_source: Sequence[Sequence[str]] = (),
        extra_target: Sequence[Sequence[str]] = (),
    ) -> None:
        if len(extra_source) != len(extra_target):
            raise ValueError(
                f"extra parallel text: {len(extra_source)} source but {len(extra_target)} target sentences"
            )
        self.config = config
        self.extra = [(s, t) for s, t in zip(extra_source, extra_target) if len(s) and len(t)]

    def align(
        self, source: Sequence[Sequence[str]], target: Sequence[Sequence[str]]
    ) -> list[list[Link]]:
        forward, reverse = self.align_directions(source, target)
        method = self.config.symmetrization
        return [symmetrize(f, r, method) for f, r in zip(forward, reverse)]

    def align_directions(
        self, source: Sequence[Sequence[str]], target: Sequence[Sequence[str]]
    ) -> tuple[list[list[Link]], list[list[Link]]]:
        """Forward and reverse links (both source-first) after voting, before symmetrisation."""
        runs = self.align_runs(source, target)
        needed = self.config.votes_needed
        return vote_links([run[0] for run in runs], needed), vote_links([run[1] for run in runs], needed)

    def align_runs(
        self, source: Sequence[Sequence[str]], target: Sequence[Sequence[str]]
    ) -> list[tuple[list[list[Link]], list[list[Link]]]]:
        """Every run's forward and reverse links (both source-first), before voting: the views that
        combining several sources can use as separate voters (:mod:`projner.processing.project.combine`)."""
        if len(source) != len(target):
            raise ValueError(f"{len(source)} source sentences but {len(target)} target sentences")
        kept = [n for n, (s, t) in enumerate(zip(source, target)) if len(s) and len(t)]
        if not kept:
            return [([[] for _ in source], [[] for _ in source]) for _ in range(self.config.runs)]
        corpus = [(source[n], target[n]) for n in kept] + self.extra
        if self.config.stem_letters:
            letters = self.config.stem_letters
            corpus = [([alignment_stem(w, letters) for w in s], [alignment_stem(w, letters) for w in t])
                      for s, t in corpus]
        runs = []
        for _ in range(self.config.runs):
            run_forward, run_reverse = self._run(corpus)
            forward: list[list[Link]] = [[] for _ in source]
            reverse: list[list[Link]] = [[] for _ in source]
            for row, n in enumerate(kept):
                forward[n], reverse[n] = run_forward[row], run_reverse[row]
            runs.append((forward, reverse))
        return runs

    def _run(self, corpus: list[tuple[Sequence[str], Sequence[str]]]) -> tuple[list[list[Link]], list[list[Link]]]:
        """One eflomal run: forward and reverse links (both source-first) for every pair."""
        import eflomal

        config = self.config
        aligner = eflomal.Aligner(
            model=config.model,
            n_samplers=config.samplers,
            rel_iterations=config.rel_iterations,
            null_prior=config.null_prior,
        )
        with tempfile.TemporaryDirectory(prefix="projner-eflomal-") as folder:
            forward_path = os.path.join(folder, "forward.links")
            reverse_path = os.path.join(folder, "reverse.links")
            aligner.align(
                [_eflomal_line(s) for s, _ in corpus],
                [_eflomal_line(t) for _, t in corpus],
                links_filename_fwd=forward_path,
                links_filename_rev=reverse_path,
                quiet=True,
            )
            forward = [line.sure for line in read_pharaoh(forward_path)]
            reverse = [line.sure for line in read_pharaoh(reverse_path)]
        if len(forward) != len(corpus) or len(reverse) != len(corpus):
            raise RuntimeError(
                f"eflomal returned {len(forward)}/{len(reverse)} link lines for {len(corpus)} sentence pairs"
            )
        return forward, reverse
