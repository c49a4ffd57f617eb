"""Name links across scripts: romanized sound keys, affixes, and the real pud-names files."""

import pytest

from projner.builders.parallel import read_parallel
from projner.processing.evaluate import ner_scores
from projner.processing.project.link_index import index_links
from projner.processing.project.names import (
    NameMatchConfig,
    _sound_similarity,
    add_name_links,
    sound_similarity,
)
from projner.processing.project.pair import ProjectionConfig, project_pair
from projner.processing.project.romanize import (
    alignment_stem,
    key_similarity,
    romanize,
    script_head,
    script_of,
    sound_key,
    word_key,
)
from projner.processing.project.spans import Span, tags_to_spans

CONFIG = NameMatchConfig()


def test_romanize_and_sound_keys():
    assert romanize("ชูลแมน") == "chuunmaen"
    assert romanize("Schulman") == "schulman" and romanize("Łódź") == "lodz"
    assert romanize("2016") == "2016" and romanize("...") == ""
    # digraphs become one sound, classes merge, vowels are one symbol, repeats collapse
    assert sound_key("schulman") == sound_key("shwlman") == "salman"
    assert sound_key("kori") == sound_key("kwry") == "kala"
    assert sound_key("philipp") == sound_key("filip")
    assert sound_key("cecil") == sound_key("sesil")  # a soft c is an s


def test_alignment_stems_count_romanized_letters():
    assert [alignment_stem(w, 4) for w in ("Parlaments", "UN", "미국에서", "미국의", "ดิจิตัล")] == [
        "parl", "un", "미국", "미국", "ดิจิ"]
    assert alignment_stem("संयुक्त", 4) == "संयु"  # whole clusters: a vowel sign stays on its letter
    assert alignment_stem("Straße", 8) == "straße"


def test_scripts_and_script_heads():
    assert [script_of(w) for w in ("Kori", "오바마", "كوري", "2016")] == ["LATIN", "HANGUL", "ARABIC", None]
    assert script_head("UN의") == "UN" and script_head("EU는") == "EU"
    assert script_head("Schulman") is None and script_head("미국에서") is None


@pytest.mark.parametrize(("name", "written"), [
    ("Schulman", "ชูลแมน"), ("Schulman", "شولمان"), ("Schulman", "शुलमैन"), ("Kori", "كوري"),
    ("Obama", "오바마"), ("Siberia", "ไซบีเรีย"), ("Clinton's", "كلينتون"), ("Marengo", "마렝고"),
])
def test_transliterated_names_sound_alike(name, written):
    assert sound_similarity(name, written, CONFIG) >= CONFIG.romanized_threshold


@pytest.mark.parametrize(("name", "word"), [
    ("Obama", "대통령"), ("Schulman", "วันจันทร์"), ("Kori", "قال"), ("States", "미국은"), ("Ocean", "มหาสมุทร"),
])
def test_unrelated_words_do_not(name, word):
    assert sound_similarity(name, word, CONFIG) == 0.0


def test_an_affix_costs_less_than_a_mismatch_inside_the_word():
    italy, with_particle = word_key("Italy"), word_key("이탈리아를")  # Korean object particle
    plain = key_similarity(italy, with_particle)
    discounted = key_similarity(italy, with_particle, affix_weight=0.5)
    assert plain + 0.1 < discounted
    assert key_similarity(italy, with_particle, 0.5, score_cutoff=0.99) == 0.0
    no_discount = NameMatchConfig(affix_weight=1.0)
    assert sound_similarity("Italy", "이탈리아를", no_discount) == 0.0 < sound_similarity("Italy", "이탈리아를", CONFIG)
    # only the target's ends are affixes: the same letters in the middle of the word are not
    assert key_similarity("tapa", "tapasa", 0.5) > key_similarity("tapa", "satapa"[::-1] + "x", 0.5)
    assert key_similarity("", "") == 0.0 and key_similarity("k", "m") == 0.0


def test_cross_script_names_are_linked_and_projected_whole():
    source = ["Kori", "Schulman", "wrote", "on", "Monday"]
    target = ["โคริ", "ชูลแมน", "เขียน", "เมื่อ", "วันจันทร์"]
    entities = [Span(0, 2, "PER")]
    repaired = add_name_links(source, entities, target, index_links([(2, 2)], 5, 5))
    assert repaired.targets[:2] == [[0], [1]]
    assert project_pair(source, entities, target, [(2, 2)]).tags == ["B-PER", "I-PER", "O", "O", "O"]
    same_script_only = ProjectionConfig(names=NameMatchConfig(romanized=False))
    assert project_pair(source, entities, target, [(2, 2)], same_script_only).tags == ["O"] * 5
    # a Korean word with its particle is one word: the whole word is the name
    source, target = ["He", "visited", "Italy"], ["그는", "이탈리아를", "방문했다"]
    assert project_pair(source, [Span(2, 3, "LOC")], target, [(0, 0), (1, 2)]).tags == ["O", "B-LOC", "O"]
    # a Latin name with a particle in the sentence's script
    source, target = ["the", "UN", "said"], ["UN의", "발표"]
    assert project_pair(source, [Span(1, 2, "ORG")], target, []).tags == ["B-ORG", "O"]


def test_a_run_of_words_written_together_in_another_script():
    source, target = ["Hong", "Kong", "grew"], ["홍콩은", "성장했다"]
    assert project_pair(source, [Span(0, 2, "LOC")], target, [(2, 1)]).tags == ["B-LOC", "O"]
    source, target = ["Papua", "New", "Guinea", "and", "Fiji"], ["파푸아뉴기니와", "피지"]
    assert project_pair(source, [Span(0, 3, "LOC"), Span(4, 5, "LOC")], target, []).tags == ["B-LOC", "B-LOC"]


def test_short_keys_match_up_to_a_final_epenthetic_vowel():
    assert sound_similarity("Bush", "부시", CONFIG) == 1.0  # Korean adds a vowel after a final consonant
    assert sound_similarity("Bush", "바다", CONFIG) == 0.0
    assert sound_similarity("Bush", "부시가", CONFIG) == 0.0  # short keys take no affix: too easily found


def test_a_link_to_a_sound_alike_is_kept_against_a_closer_one():
    source, target, entity = ["Marengo", "fell"], ["함락", "마렝고", "전투"], [Span(0, 1, "LOC")]
    assert 0.5 <= _sound_similarity("Marengo", "함락", CONFIG) < CONFIG.romanized_threshold
    assert _sound_similarity("Marengo", "전투", CONFIG) < 0.5
    # the aligner's link sounds somewhat alike (0.61): sound is weak evidence, the link stays (and
    # the neighbour rule adds the sound-alike right beside it)
    assert add_name_links(source, entity, target, index_links([(0, 0)], 2, 3)).targets[0] == [0, 1]
    assert add_name_links(source, entity, ["함락", "그", "마렝고"], index_links([(0, 0)], 2, 3)).targets[0] == [0]
    # a link to a word that sounds nothing like it gives way to the sound-alike
    assert add_name_links(source, entity, target, index_links([(0, 2)], 2, 3)).targets[0] == [1]


def test_config_checks_its_new_fields():
    with pytest.raises(ValueError, match="romanized_threshold"):
        NameMatchConfig(romanized_threshold=0.0)
    with pytest.raises(ValueError, match="affix_weight"):
        NameMatchConfig(affix_weight=1.5)
    with pytest.raises(ValueError, match="romanized_spelling_share"):
        NameMatchConfig(romanized_spelling_share=-0.1)


@pytest.mark.parametrize("language", ["ar", "hi", "ko", "th"])
def test_pud_names_are_found_by_their_sound_alone(shared_data, language):
    """With no word links at all, romanized name links alone find most names in four scripts that
    same-script spelling cannot compare (first 300 sentences)."""
    folder = shared_data / "pud-names"
    rows = list(read_parallel(folder / "en.conll", folder / f"{language}.conll"))[:300]
    gold = [r["tgt_tags"] for r in rows]

    def f1(names: NameMatchConfig) -> tuple[float, float]:
        config = ProjectionConfig(names=names)
        predicted = [project_pair(r["src_tokens"], tags_to_spans(r["src_tags"]), r["tgt_tokens"], [], config).tags
                     for r in rows]
        scores = ner_scores(gold, predicted)
        return 100 * scores["f1"], 100 * scores["precision"]

    romanized, precision = f1(NameMatchConfig())
    same_script, _ = f1(NameMatchConfig(romanized=False))
    assert romanized >= 45 and precision >= 60
    assert romanized >= same_script + 30
