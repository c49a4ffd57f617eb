"""Name links through prefixed names (Bantu noun-class prefixes, elisions) and punctuation edges."""

from hypothesis import given, settings
from hypothesis import strategies as st

from projner.processing.project.link_index import index_links
from projner.processing.project.names import NameMatchConfig, add_name_links, name_stem
from projner.processing.project.pair import ProjectionConfig, project_pair
from projner.processing.project.scores import ScoreConfig
from projner.processing.project.spans import Span


def test_name_stems_of_prefixed_words():
    words = ["weGermany", "n'Awka", "muHarare", "kuUK", "mMalawi", "dell'Unione", "n’Onitsha", "VaMugabe",
             "naVaNelson", "Germany", "O'Neal", "USA", "kuona", "n'ime", "abcdeFgh", "kuA", "eU.S.", ""]
    assert [name_stem(w) for w in words] == [
        "Germany", "Awka", "Harare", "UK", "Malawi", "Unione", "Onitsha", "Mugabe",
        "Nelson", None, None, None, None, None, None, None, None, None]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abAB'’xY.-", max_size=12))
def test_a_name_stem_is_a_capitalised_tail_behind_short_prefixes(word):
    stem = name_stem(word)
    if stem is not None:
        assert word.endswith(stem) and word != stem and stem[0].isupper() and len(stem) >= 2
        assert name_stem(stem) is None  # stacked prefixes are all removed
        assert any(c.islower() for c in word[: len(word) - len(stem)])


def test_prefixed_target_names_take_the_links_of_their_entity_words():
    source = ["Talks", "with", "Germany", "and", "Harare", "ended"]
    target = ["Hurukuro", "neGermany", "nemuHarrare", "dzapera"]
    entities = [Span(2, 3, "LOC"), Span(4, 5, "LOC")]
    index = index_links([(0, 0), (2, 3), (5, 3)], len(source), len(target))
    repaired = add_name_links(source, entities, target, index)
    assert repaired.targets[2] == [1]  # the wrong link to "dzapera" is replaced
    assert repaired.targets[4] == [2]  # "nemu" (and in) + a misspelt "Harrare": still a look-alike
    longer = ["Hurukuro", "neGermany", "kwakaHarare", "dzapera"]  # five letters: not a prefix
    assert add_name_links(source, entities, longer, index).targets[4] == []
    result = project_pair(source, entities, target, [(0, 0), (2, 3), (5, 3)])
    assert result.tags == ["O", "B-LOC", "B-LOC", "O"]  # each whole prefixed word is the entity
    off = NameMatchConfig(prefixed_names=False)
    assert add_name_links(source, entities, target, index, off).targets[2] == [3]


def test_elided_and_class_prefixed_names_are_found_by_their_stem():
    source, target = ["He", "lives", "in", "Awka"], ["Ọ", "bi", "n'Awka"]
    result = project_pair(source, [Span(3, 4, "LOC")], target, [(0, 0), (1, 1)])
    assert result.tags == ["O", "O", "B-LOC"]
    source, target = ["Ali", "Alatas", "said"], ["VaAli", "Alatas", "vakati"]
    assert project_pair(source, [Span(0, 2, "PER")], target, [(1, 1), (2, 2)]).tags == ["B-PER", "I-PER", "O"]
    source, target = ["Malawi", "won"], ["mMalawi", "mwapambana"]
    assert project_pair(source, [Span(0, 1, "LOC")], target, []).tags == ["B-LOC", "O"]


def test_a_plain_look_alike_and_a_prefixed_one_tie():
    source, target = ["Germany"], ["Germany", "neGermany"]
    repaired = add_name_links(source, [Span(0, 1, "LOC")], target, index_links([], 1, 2))
    assert repaired.targets[0] == [0, 1]


def test_links_into_punctuation_do_not_pull_a_span_onto_it():
    source = ["London", "Newsroom", "said"]
    target = ["London", "+", "ya", "ce"]
    links = [(0, 0), (1, 1), (2, 3)]
    result = project_pair(source, [Span(0, 2, "ORG")], target, links)
    assert result.tags == ["B-ORG", "O", "O", "O"]
    counted = ProjectionConfig(scores=ScoreConfig(punctuation_links=True))
    assert project_pair(source, [Span(0, 2, "ORG")], target, links, counted).tags == ["B-ORG", "I-ORG", "O", "O"]


def test_punctuation_inside_the_entity_keeps_its_links():
    source = ["Bosnia", "-", "Herzegovina", "won"]
    target = ["Bosnia", "-", "Herzegovina", "ta", "ci"]
    links = [(0, 0), (1, 1), (2, 2), (3, 4)]
    assert project_pair(source, [Span(0, 3, "LOC")], target, links).tags[:3] == ["B-LOC", "I-LOC", "I-LOC"]
    # an entity linked only into punctuation has nothing to go on
    only = project_pair(["Newsroom"], [Span(0, 1, "ORG")], ["+", "x"], [(0, 0)])
    assert only.spans == [] and only.unprojected == ((0, "unaligned"),)


def test_punctuation_between_the_entitys_linked_words_stays_in_the_span():
    source = ["the", "PPE-DE", "Group", "voted"]
    target = ["die", "PPE", "/", "DE-Fraktion", "stimmte"]
    links = [(0, 0), (1, 1), (1, 2), (2, 3), (3, 4)]
    assert project_pair(source, [Span(1, 3, "ORG")], target, links).tags == ["O", "B-ORG", "I-ORG", "I-ORG", "O"]
