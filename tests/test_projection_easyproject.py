"""EasyProject markers: wrapping, lenient parsing, matching — on hand-written marked translations."""

import regex

from projner.processing.project.easyproject import (
    EasyProjectConfig,
    mark_words,
    match_spans,
    parse_markers,
    project_marked,
)
from projner.processing.project.spans import Span

SOURCE = "Mr Prodi visited the European Parliament in Strasbourg .".split()
ENTITIES = [Span(1, 2, "PER"), Span(4, 6, "ORG"), Span(7, 8, "LOC")]
TRANSLATIONS = ["Prodi", "Europäisches Parlament", "Straßburg"]


def split(text):
    found = list(regex.finditer(r"\w+(?:-\w+)*|[^\w\s]", text))
    return [m.group() for m in found], [m.span() for m in found]


def project(marked, config=None):
    result = project_marked(marked, SOURCE, ENTITIES, TRANSLATIONS, split, config or EasyProjectConfig())
    spans = {(k, " ".join(result.words[s.span.start:s.span.end]), s.span.label) for k, s in result.matches}
    return result, spans


def test_mark_words_wraps_entities_and_neutralises_brackets():
    assert mark_words(SOURCE, ENTITIES) == [
        "Mr", "[", "Prodi", "]", "visited", "the", "[", "European", "Parliament", "]", "in",
        "[", "Strasbourg", "]", "."]
    assert mark_words(["see", "[", "1", "]", "Rome"], [Span(4, 5, "LOC")]) == [
        "see", "(", "1", ")", "[", "Rome", "]"]


def test_clean_translation():
    result, spans = project("Herr [ Prodi ] besuchte das [ Europäische Parlament ] in [ Straßburg ] .")
    assert result.words == "Herr Prodi besuchte das Europäische Parlament in Straßburg .".split()
    assert spans == {(0, "Prodi", "PER"), (1, "Europäische Parlament", "ORG"), (2, "Straßburg", "LOC")}
    assert result.reason == ""


def test_markers_glued_to_words_are_word_boundaries():
    result, spans = project("Herr [Prodi]besuchte das[Europäische Parlament] in [Straßburg].")
    assert "besuchte" in result.words and "das" in result.words
    assert spans == {(0, "Prodi", "PER"), (1, "Europäische Parlament", "ORG"), (2, "Straßburg", "LOC")}


def test_best_match_wins_not_the_last_one_scanned():
    # both marked spans resemble the ORG translation; the closer one gets it, the other is the LOC
    translations = ["Prodi", "Parlament", "Parlamentsgebäude"]
    entities = [Span(1, 2, "PER"), Span(5, 6, "ORG"), Span(7, 8, "LOC")]
    result = project_marked("[Prodi] sah [Parlamentsgebäude] und [Parlament]", SOURCE, entities,
                            translations, split)
    got = {(result.words[s.span.start], s.span.label) for _, s in result.matches}
    assert got == {("Prodi", "PER"), ("Parlament", "ORG"), ("Parlamentsgebäude", "LOC")}


def test_elimination_pairs_the_last_span_with_the_last_entity():
    # the ORG span is far from its translation, but it is the only span and entity left
    marked = "Herr [Prodi] besuchte [den Plenarsaal] in [Straßburg] ."
    result, spans = project(marked)
    assert spans == {(0, "Prodi", "PER"), (1, "den Plenarsaal", "ORG"), (2, "Straßburg", "LOC")}
    assert result.reason == ""
    result, strict = project(marked, EasyProjectConfig(elimination=False))
    assert strict == {(0, "Prodi", "PER"), (2, "Straßburg", "LOC")}
    assert result.problems == ("marked span 'den Plenarsaal' matches no entity",
                               "entity 1 (ORG 'European Parliament') has no marked span")


def test_missing_marker_is_reported():
    result, spans = project("Herr [Prodi] besuchte das [Europäische Parlament] in Straßburg .")
    assert spans == {(0, "Prodi", "PER"), (1, "Europäische Parlament", "ORG")}
    assert result.problems == ("entity 2 (LOC 'Strasbourg') has no marked span",)


def test_extra_unbalanced_and_nested_markers_are_reported_not_fatal():
    result, spans = project("Herr Prodi] besuchte [das [Europäische Parlament] in [Straßburg")
    assert result.words == "Herr Prodi besuchte das Europäische Parlament in Straßburg".split()
    problems = " | ".join(result.problems)
    assert "closing marker without an opening one" in problems
    assert "nested marker" in problems and "opening marker never closed" in problems
    assert all(label != "PER" for _, _, label in spans)   # nothing invented for the unmarked name
    assert result.reason


def test_extra_marked_span_matching_nothing_is_reported():
    result, spans = project("[Herr] [Prodi] besuchte das [Europäische Parlament] in [Straßburg] .")
    assert {label for _, _, label in spans} == {"PER", "ORG", "LOC"}
    assert result.problems == ("marked span 'Herr' matches no entity",)


def test_parse_markers_offsets_and_empty_spans():
    parsed = parse_markers("a [ b c ] [ ] d")
    assert parsed.text[slice(*parsed.spans[0])] == "b c"
    assert parsed.problems == ("empty marked span",)


def test_match_spans_prefers_exact_then_similarity():
    matches = match_spans(["paris", "Rom"], [["Rome", "Roma"], ["Paris"]])
    assert matches == [(0, 1, 1.0), (1, 0, match_spans(["Rom"], [["Rome"]])[0][2])]
