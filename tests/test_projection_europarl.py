"""The projection core on the real Europarl-NER files and the reference eflomal links.

Checks behaviour against independent brute-force versions of the reference methods (scores are
the benchmark's business, see ``benchmarks/europarl_projection.py``).
"""

import pytest

from projner.builders.parallel import read_parallel
from projner.labels import LabelMap
from projner.processing.align.links import read_pharaoh
from projner.processing.project.casing import has_alnum
from projner.processing.project.heuristic import HeuristicConfig, heuristic_ranges
from projner.processing.project.link_index import index_links
from projner.processing.project.pair import ProjectionConfig, project_pair
from projner.processing.project.scores import ScoreConfig
from projner.processing.project.spans import Span, spans_to_tags, tags_to_spans

PAPER_CANDIDATES = ProjectionConfig(
    names=None, solver="greedy",
    scores=ScoreConfig(weights=(("alignment", 1.0),), case_mismatch_factor=1.0, capital_tie_break=False))


@pytest.fixture(scope="module", params=["de-intersection", "it-gdfa"])
def europarl(request, shared_data):
    language, symmetrization = request.param.split("-")
    folder = shared_data / "europarl-ner"
    rows = list(read_parallel(folder / "en-europarl.test.conll02", folder / f"{language}-europarl.test.conll02",
                              label_map=LabelMap.parse(["MISC=O"])))
    links = [line.sure for line in read_pharaoh(folder / "alignments" / f"eflomal.en-{language}.{symmetrization}.txt")]
    assert len(links) == len(rows) == 799
    return rows, links


def naive_ranges(links, entity, n_target):
    """The reference heuristic written the obvious way: every target word linked to the entity,
    runs with gaps of at most one word merged, kept if longer than 0.8 of the entity."""
    linked = sorted({j for i, j in links if entity.start <= i < entity.end})
    runs = []
    for j in linked:
        if runs and j - runs[-1][1] <= 1:
            runs[-1][1] = j + 1
        else:
            runs.append([j, j + 1])
    return [tuple(r) for r in runs if (r[1] - r[0]) / len(entity) > 0.8]


def naive_greedy(source_len, entities, tokens, links):
    """Politov et al.'s candidate matching as published: score every n-gram, take the best pair,
    drop what overlaps, repeat."""
    pairs = []
    for k, entity in enumerate(entities):
        counts = [0] * len(tokens)
        for i, j in links:
            if entity.start <= i < entity.end:
                counts[j] += 1
        for start in range(len(tokens)):
            total, evidence = 0, False
            for end in range(start + 1, len(tokens) + 1):
                total += counts[end - 1]
                evidence |= counts[end - 1] > 0 and has_alnum(tokens[end - 1])
                if evidence:
                    pairs.append((-2.0 * total / (len(entity) + end - start), k, start, end))
    chosen, used = [], set()
    for _, k, start, end in sorted(pairs):
        if k not in used and all(end <= s or e <= start for s, e, _ in chosen):
            chosen.append((start, end, entities[k].label))
            used.add(k)
    return spans_to_tags([Span(*c) for c in chosen], len(tokens))


def test_heuristic_ranges_match_the_reference_definition(europarl):
    rows, links = europarl
    for row, pair_links in zip(rows, links):
        index = index_links(pair_links, len(row["src_tokens"]), len(row["tgt_tokens"]))
        for entity in tags_to_spans(row["src_tags"]):
            ours = [(r.span.start, r.span.end) for r in heuristic_ranges(index, entity, HeuristicConfig())]
            assert ours == naive_ranges(pair_links, entity, len(row["tgt_tokens"]))


def test_restricted_candidates_give_the_same_matching_as_every_ngram(europarl):
    rows, links = europarl
    for number, (row, pair_links) in enumerate(zip(rows, links)):
        entities = tags_to_spans(row["src_tags"])
        ours = project_pair(row["src_tokens"], entities, row["tgt_tokens"], pair_links, PAPER_CANDIDATES)
        assert ours.tags == naive_greedy(len(row["src_tokens"]), entities, row["tgt_tokens"], pair_links), number


@pytest.mark.parametrize("method", ["heuristic", "candidates"])
def test_every_entity_is_projected_or_has_a_reason(europarl, method):
    rows, links = europarl
    config = ProjectionConfig(method=method)
    for row, pair_links in zip(rows, links):
        entities = tags_to_spans(row["src_tags"])
        result = project_pair(row["src_tokens"], entities, row["tgt_tokens"], pair_links, config)
        projected = {k for k, _ in result.matches}
        reasons = {k for k, _ in result.unprojected}
        assert projected | reasons == set(range(len(entities))) and not projected & reasons
        assert tags_to_spans(result.tags) == sorted(s.span for s in result.spans)
