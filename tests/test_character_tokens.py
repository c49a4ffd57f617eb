"""Projection onto a dataset whose own tokens are characters (PAN-X zh/ja): its tokens are kept, and
links from words or subwords to characters carry entities onto character spans."""

from __future__ import annotations

import itertools
import unicodedata
from pathlib import Path

import pytest

from projner.builders.conll import read_conll
from projner.languages import get_language
from projner.processing.align.neural import NeuralAligner
from projner.processing.pipelines import MethodOptions
from projner.processing.project.pair import ProjectionConfig, project_pair
from projner.processing.project.spans import Span, tags_to_spans
from projner.processing.text import split_words

pytestmark = pytest.mark.usefixtures("single_thread")
PANX = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "panx-xtreme"
ONTO_CHARACTERS = MethodOptions().projection_config("zh")
"""What the pipelines project with onto a language written without spaces."""


def test_projection_onto_a_language_without_spaces_tells_equal_spans_apart_by_their_links():
    assert ONTO_CHARACTERS.scores.linked_tie_break
    assert not MethodOptions().projection_config("hi").scores.linked_tie_break
    assert not MethodOptions().projection_config().scores.linked_tie_break


def test_english_words_linked_to_characters_project_onto_character_spans():
    source = ["Beijing", "is", "the", "capital", "of", "China"]
    target = list("北京是中国的首都")
    links = [(0, 0), (0, 1), (1, 2), (3, 6), (3, 7), (5, 3), (5, 4)]
    result = project_pair(source, [Span(0, 1, "LOC"), Span(5, 6, "LOC")], target, links, ONTO_CHARACTERS)
    assert result.tags == ["B-LOC", "I-LOC", "O", "B-LOC", "I-LOC", "O", "O", "O"]
    assert result.unprojected == ()
    # Without the tie-break, 北 alone scores as well as 北京 and the first (shorter) span wins.
    plain = project_pair(source, [Span(0, 1, "LOC"), Span(5, 6, "LOC")], target, links, ProjectionConfig())
    assert plain.tags[:2] == ["B-LOC", "O"]


def _cjk_only(tokens: list[str]) -> bool:
    """Every token one CJK ideograph or one punctuation mark (each its own pre-token in BERT-style
    tokenisers, so segmented words and characters give the model the same input)."""
    return all(len(t) == 1 and (unicodedata.name(t, "").startswith("CJK UNIFIED")
                                or unicodedata.category(t).startswith("P")) for t in tokens)


@pytest.mark.skipif(not (PANX / "dev-zh.tsv").exists(), reason="needs ../shared/data/panx-xtreme")
def test_panx_zh_character_tokens_receive_entities_from_segmented_words_through_subword_links(tiny_aligner):
    """PAN-X zh sentences (one token per character) are the target; the same text cut into words by
    the Chinese segmenter is the source, with the gold entities moved onto those words. The neural
    aligner links subwords of the source words to the characters, and projection must give back
    exactly the gold character tags, on exactly the dataset's own tokens."""
    pytest.importorskip("jieba")
    zh = get_language("zh")
    sentences = []
    for sentence in read_conll(PANX / "dev-zh.tsv"):
        if not _cjk_only(sentence.tokens) or len(sentence.tokens) < 4:
            continue
        words, offsets = split_words("".join(sentence.tokens), zh)
        starts, ends = {a for a, _ in offsets}, {b for _, b in offsets}
        gold = tags_to_spans(sentence.tags)
        if gold and len(words) < len(sentence.tokens) and all(s.start in starts and s.end in ends for s in gold):
            word_of = {a: k for k, (a, _) in enumerate(offsets)} | {b: k + 1 for k, (_, b) in enumerate(offsets)}
            entities = [Span(word_of[s.start], word_of[s.end], s.label) for s in gold]
            sentences.append((words, entities, sentence.tokens, sentence.tags))
        if len(sentences) == 12:
            break
    assert len(sentences) == 12
    aligner = NeuralAligner(model=str(tiny_aligner), layer=8, method="argmax", token_type="bpe", device="cpu")
    links = aligner.align([s[0] for s in sentences], [s[2] for s in sentences])
    for (words, entities, characters, tags), pair in zip(sentences, links):
        assert {j for _, j in pair} == set(range(len(characters)))  # every character linked
        assert all(len(words[i]) > 1 for i, _ in itertools.groupby(sorted(pair)) if sum(
            1 for link in pair if link[0] == i) > 1)  # only multi-character words link to several
        result = project_pair(words, entities, characters, pair, ONTO_CHARACTERS)
        assert len(result.tags) == len(characters)
        assert result.tags == tags
