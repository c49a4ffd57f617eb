"""The viewer: gold comparison, entity joins and column roles in Python; the page itself in a real
headless Chromium (one browser for the module), checked on the DOM after its script ran."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pytest

from projner.cli import main
from projner.dataset_cards.export import export_hub_folder
from projner.dataset_cards.provenance import Component, ModelRef, Provenance
from projner.dataset_cards.sources import known_source
from projner.labels import CONLL2003_LABELS, PANX_LABELS
from projner.processing.project.spans import Span
from projner.viewer import ViewError, view
from projner.viewer.agreement import (
    MISSED,
    SPURIOUS,
    WRONG_BOUNDARY,
    WRONG_TYPE,
    disagreements,
)
from projner.viewer.columns import ViewColumns
from projner.viewer.entity_links import join_entities
from projner.viewer.page import script_json

datasets.disable_progress_bars()
SCRIPT_TOKEN = '<script>document.title="pwned"</script>'
ASSETS = Path(__file__).resolve().parent.parent / "projner" / "viewer" / "assets"


# --- pure parts -----------------------------------------------------------------------------------

def test_disagreements_name_each_kind_of_error():
    gold = [Span(0, 2, "PER"), Span(3, 4, "LOC"), Span(5, 7, "ORG"), Span(8, 9, "MISC"), Span(12, 14, "PER")]
    predicted = [Span(0, 2, "PER"), Span(3, 4, "ORG"), Span(5, 6, "ORG"), Span(10, 11, "LOC"), Span(12, 13, "LOC")]
    found = {(d.kind, d.predicted, d.gold) for d in disagreements(gold, predicted)}
    assert found == {(WRONG_TYPE, 1, 1), (WRONG_BOUNDARY, 2, 2), (MISSED, None, 3), (SPURIOUS, 3, None),
                     (WRONG_BOUNDARY, 4, 4), (WRONG_TYPE, 4, 4)}
    assert disagreements(gold, gold) == []


def test_joins_follow_scores_then_links_then_order():
    source = [Span(0, 1, "LOC"), Span(2, 3, "LOC"), Span(4, 6, "PER")]
    # the second LOC got no span (score 0) although a stray link reaches the first target span
    assert join_entities(source, [Span(0, 1, "LOC")], [(2, 0), (2, 0)], [0.9, 0.0, 1.0], [0.9]) == [0]
    # without scores the links decide; without links the n-th span of a type takes the n-th entity
    assert join_entities(source, [Span(0, 1, "LOC")], [(2, 0)]) == [1]
    assert join_entities(source, [Span(5, 6, "LOC"), Span(7, 8, "LOC")], []) == [0, 1]
    # another type only through links (a retyped projection); nothing fits: None
    assert join_entities(source, [Span(1, 3, "ORG")], [(4, 2)]) == [2]
    assert join_entities(source, [Span(1, 3, "ORG")], []) == [None]


@pytest.mark.parametrize(("columns", "roles"), [
    # project-parallel, exported: the target file's gold stays tgt_tags
    ({"id", "tokens", "ner_tags", "src_tokens", "src_tags", "tgt_tags", "alignments", "src_entities",
      "tgt_entities", "dropped_reason"},
     {"target_words": "tokens", "predicted_tags": "ner_tags", "source_words": "src_tokens", "gold_tags": "tgt_tags"}),
    # translate-train, exported: original_ner_tags are the English source's, not gold of the target
    ({"tokens", "ner_tags", "original_tokens", "original_ner_tags", "src_tags", "alignments"},
     {"target_words": "tokens", "source_words": "original_tokens", "gold_tags": None}),
    # translate-test, exported: the target words kept their name, so original_ner_tags are its gold
    ({"tokens", "ner_tags", "original_ner_tags", "src_tokens", "src_tags", "alignments", "dropped_reason"},
     {"target_words": "tokens", "source_words": "src_tokens", "gold_tags": "original_ner_tags"}),
    # model transfer, exported: no source side
    ({"tokens", "ner_tags", "original_ner_tags", "tgt_entities"},
     {"source_words": None, "alignments": None, "gold_tags": "original_ner_tags"}),
    # translate-train as the pipeline returns it
    ({"tokens", "ner_tags", "src_tags", "tgt_tokens", "projected_tags", "alignments", "dropped_reason"},
     {"target_words": "tgt_tokens", "predicted_tags": "projected_tags", "source_words": "tokens", "gold_tags": None}),
    # translate-test as the pipeline returns it
    ({"tokens", "ner_tags", "src_tokens", "src_tags", "projected_tags", "alignments"},
     {"target_words": "tokens", "source_words": "src_tokens", "gold_tags": "ner_tags"}),
])
def test_column_roles_of_every_output_shape(columns, roles):
    detected = ViewColumns.detect(columns, where="x")
    assert {role: getattr(detected, role) for role in roles} == roles


def test_not_an_output_is_named():
    with pytest.raises(ViewError, match="no 'ner_tags' column"):
        ViewColumns.detect({"tokens", "labels"}, where="some.parquet")


def test_data_cannot_close_its_script_element():
    text = script_json({"w": ["</script><script>alert(1)</script>", "<!--", "&amp;"]})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"w": ["</script><script>alert(1)</script>", "<!--", "&amp;"]}


def test_the_page_script_never_parses_data_as_markup():
    script = (ASSETS / "page.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in script


# --- a small output folder with every feature the page draws --------------------------------------

def _entities(tags: list[str], score: float) -> list[dict]:
    from projner.processing.project.spans import tags_to_spans

    return [{"start": s.start, "end": s.end, "label": s.label, "score": score} for s in tags_to_spans(tags)]


def _provenance(task: str, target: str, labels: tuple[str, ...], aligner: bool = True) -> dict:
    return Provenance(
        task=task, source_dataset=known_source("europarl-ner", split="test"), source_language="en",
        target_language=target, method=Component("candidates", {"solver": "exact", "names": {"threshold": 0.7}}),
        aligner=Component("eflomal", {"symmetrization": "intersection"}) if aligner else None,
        models=() if task == "project-parallel" else (ModelRef("ner", "FacebookAI/xlm-roberta-large", "abc123"),),
        labels=labels, created="2026-01-01",
    ).to_dict()


PARALLEL_ROWS = [
    # agrees with gold; PER and LOC on both sides
    ("Anna visits Berlin", "B-PER O B-LOC", "Anna besucht Berlin", "B-PER O B-LOC", "B-PER O B-LOC",
     [[0, 0], [1, 1], [2, 2]], ""),
    # the ORG got no span: dropped, gold missed
    ("The European Union acts", "O B-ORG I-ORG O", "Die EU handelt", "O O O", "O B-ORG O", [[0, 0], [3, 2]],
     "unaligned"),
    # wrong boundary and wrong type
    ("Mr John Smith in Rome", "O B-PER I-PER O B-LOC", "Herr John Smith in Rom", "B-PER I-PER I-PER O B-ORG",
     "O B-PER I-PER O B-LOC", [[0, 0], [1, 1], [2, 2], [3, 3], [4, 4]], ""),
    # a token that is markup, shown as text; a spurious span
    (f"He wrote {SCRIPT_TOKEN}", "O O O", f"Er schrieb {SCRIPT_TOKEN}", "B-PER O O", "O O O",
     [[0, 0], [1, 1], [2, 2]], ""),
    ("Paris is far", "B-LOC O O", "Paris ist weit", "O O O", "B-LOC O O", [[1, 1], [2, 2]], "unaligned"),
]


def _parallel_dataset() -> datasets.Dataset:
    rows = []
    for index, (src, src_tags, tgt, projected, gold, links, reason) in enumerate(PARALLEL_ROWS):
        rows.append({"id": f"p{index}", "src_tokens": src.split(" "), "src_tags": src_tags.split(),
                     "tgt_tokens": tgt.split(" "), "projected_tags": projected.split(), "tgt_tags": gold.split(),
                     "alignments": links, "src_entities": _entities(src_tags.split(), 1.0 if not reason else 0.0),
                     "tgt_entities": _entities(projected.split(), 1.0), "dropped_reason": reason})
    return datasets.Dataset.from_list(rows)


def _translate_test_arabic() -> datasets.Dataset:
    """Arabic target words (right to left) with their gold; the English translation as source."""
    return datasets.Dataset.from_list([
        {"tokens": ["زار", "محمد", "القاهرة"], "ner_tags": ["O", "B-PER", "B-LOC"],
         "src_tokens": ["Mohammed", "visited", "Cairo"], "src_tags": ["B-PER", "O", "B-LOC"],
         "projected_tags": ["O", "B-PER", "B-LOC"], "alignments": [[0, 1], [1, 0], [2, 2]],
         "dropped_reason": ""},
    ])


def _model_transfer_chinese() -> datasets.Dataset:
    """Chinese words (no spaces between them), predicted directly against the gold."""
    return datasets.Dataset.from_list([
        {"tokens": ["我", "在", "北京", "大学", "学习"], "ner_tags": ["O", "O", "B-ORG", "I-ORG", "O"],
         "projected_tags": ["O", "O", "B-LOC", "O", "O"], "tgt_entities": [
             {"start": 2, "end": 3, "label": "LOC", "score": 0.8}]},
    ])


@pytest.fixture(scope="module")
def output_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("view") / "out"
    report = {"scores": {"precision": 0.5, "recall": 0.4, "f1": 0.444, "per_type": {}}, "gold": "hand-made gold"}
    export_hub_folder({"test": _parallel_dataset()}, folder, config_name="de",
                      provenance=_provenance("project-parallel", "de", CONLL2003_LABELS), report=report,
                      keep_dropped=True)
    export_hub_folder({"test": _translate_test_arabic()}, folder, config_name="ar",
                      provenance=_provenance("translate-test", "ar", PANX_LABELS), keep_dropped=True)
    labels = ("O", "B-LOC", "I-LOC", "B-ORG", "I-ORG")
    export_hub_folder({"test": _model_transfer_chinese()}, folder, config_name="zh",
                      provenance=_provenance("model-transfer", "zh", labels, aligner=False), keep_dropped=True)
    return folder


def test_view_command_writes_one_page_and_names_what_it_shows(output_folder, tmp_path, capsys):
    page = tmp_path / "page.html"
    assert main(["view", str(output_folder), "--output", str(page)]) == 0
    printed = capsys.readouterr().out
    assert "5 sentence pairs of config 'de', split 'test'" in printed and "ar/test" in printed
    html = page.read_text(encoding="utf-8")
    assert "<link" not in html and "src=" not in html  # nothing to fetch: style and script inline
    assert main(["view", str(output_folder), "--config", "fr", "--output", str(page)]) == 2
    assert "projner view: error: " in (err := capsys.readouterr().err) and "no config 'fr'; it has de, ar, zh" in err
    mine = tmp_path / "notes.html"
    mine.write_text("<p>my notes</p>")
    assert main(["view", str(output_folder), "--output", str(mine)]) == 2  # a file projner did not write
    assert "projner did not write it" in capsys.readouterr().err and mine.read_text() == "<p>my notes</p>"


def test_view_never_writes_over_a_file_of_the_folder_it_shows(output_folder, tmp_path, capsys):
    """--overwrite let '--output FOLDER/README.md' replace the card (or a parquet shard) with the page."""
    import shutil

    folder = shutil.copytree(output_folder, tmp_path / "copy")
    card = (folder / "README.md").read_bytes()
    assert main(["view", str(folder), "--output", str(folder / "README.md"), "--overwrite"]) == 2
    assert f"--output {folder / 'README.md'}: is a file of {folder}" in capsys.readouterr().err
    assert (folder / "README.md").read_bytes() == card
    assert main(["view", str(folder), "--output", str(folder / "page.html")]) == 0  # a new page beside: fine
    assert main(["view", str(folder), "--output", str(folder / "page.html")]) == 0  # and again


# --- the page in Chromium -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    from projner.testing.browser import Chromium, find_chromium

    if find_chromium() is None:
        pytest.skip("no chromium on PATH (.ci/run installs Debian's package)")
    with Chromium(width=1200, height=900) as chromium:
        yield chromium


ENTITIES = """[...document.querySelectorAll('.ent')].map(e => [e.closest('.pair').dataset.id,
  e.closest('.line').classList.contains('src') ? 'src' : 'tgt', e.dataset.type,
  [...e.querySelectorAll('.w')].map(w => w.textContent).join(' '), e.className.replace('ent', '').trim(),
  getComputedStyle(e).backgroundColor])"""


def test_page_shows_pairs_entities_and_disagreements(output_folder, tmp_path, browser):
    page = view(output_folder, tmp_path / "de.html", config="de").path
    browser.open(page)
    assert browser.evaluate("document.querySelectorAll('.pair').length") == len(PARALLEL_ROWS)
    entities = browser.evaluate(ENTITIES)
    shown = {(pair, side, kind, words, cls) for pair, side, kind, words, cls, _ in entities}
    assert {("p0", "src", "PER", "Anna", ""), ("p0", "tgt", "PER", "Anna", ""), ("p0", "tgt", "LOC", "Berlin", ""),
            ("p1", "src", "ORG", "European Union", "unprojected"), ("p1", "tgt", "ORG", "EU", "missed"),
            ("p2", "tgt", "PER", "Herr John Smith", "wrong"), ("p2", "tgt", "ORG", "Rom", "wrong"),
            ("p3", "tgt", "PER", "Er", "wrong")} <= shown
    colours = {(kind, side): colour for _, side, kind, _, cls, colour in entities if not cls}
    assert colours[("PER", "src")] == colours[("PER", "tgt")] != colours[("LOC", "tgt")]
    notes = browser.evaluate("[...document.querySelectorAll('.pair[data-id=\"p2\"] .note')].map(n => n.textContent)")
    assert notes == ["wrong boundary: gold 1–2", "wrong type: gold LOC"]
    # each span is numbered as the source entity it was joined to (the retyped Rome through its link)
    numbers = "[...document.querySelectorAll('.pair[data-id=\"p2\"] .line.%s .lab')].map(l => l.firstChild.textContent + l.querySelector('.num').textContent)"
    assert browser.evaluate(numbers % "src") == ["PER1", "LOC2"]
    assert browser.evaluate(numbers % "tgt") == ["PER1", "ORG2"]
    assert browser.evaluate("document.querySelectorAll('.w.gold').length") == 7

    # the token <script>… is a word on both lines, and nothing in the data ran
    words = browser.evaluate("[...document.querySelectorAll('.w')].map(w => w.textContent)")
    assert words.count(SCRIPT_TOKEN) == 2
    assert browser.evaluate("document.scripts.length") == 2
    assert "pwned" not in browser.evaluate("document.title")

    # pointing at a projected entity draws its links and marks its source entity
    x, y = browser.evaluate("(() => { const r = document.querySelector('.pair[data-id=\"p2\"] .line.tgt .ent')"
                            ".getBoundingClientRect(); return [r.left + 4, r.top + r.height / 2]; })()")
    browser.move_mouse(x, y)
    assert browser.evaluate("document.querySelectorAll('svg.links path.on').length") == 3
    assert browser.evaluate("[...document.querySelectorAll('.line.src .ent.hl')].map(e => e.dataset.type)") == ["PER"]


def test_filters_count_what_they_keep_and_pages_split_the_rest(output_folder, tmp_path, browser):
    page = view(output_folder, tmp_path / "de.html", config="de").path
    browser.open(page)
    options = browser.evaluate("Object.fromEntries([...document.querySelectorAll('#f-reason option')]"
                               ".map(o => [o.value, o.textContent]))")
    assert options == {"": "all (5)", "-": "none (complete) (3)", "unaligned": "unaligned (2)"}
    assert browser.evaluate("[...document.querySelectorAll('#f-gold option')].map(o => o.textContent)") == [
        "all (5)", "agrees (1)", "disagrees (4)", "missed (2)", "spurious (1)", "wrong boundary (1)", "wrong type (1)"]
    browser.evaluate("(() => { const s = document.getElementById('f-reason'); s.value = 'unaligned';"
                     " s.dispatchEvent(new Event('change')); })()")
    assert browser.evaluate("[...document.querySelectorAll('.pair')].map(p => p.dataset.id)") == ["p1", "p4"]
    # the other filters now count within the unaligned pairs
    assert browser.evaluate("document.querySelector('#f-type option[value=\"ORG\"]').textContent") == "ORG (1)"
    assert "reason=unaligned" in browser.evaluate("location.hash")

    # state from the address: a text search over the words, and pages of two pairs
    browser.open(page, "q=berlin")
    assert browser.evaluate("document.getElementById('c-text').textContent") == "keeps 1"
    assert browser.evaluate("[...document.querySelectorAll('.pair')].map(p => p.dataset.id)") == ["p0"]
    browser.open(page, "size=2&page=3")
    assert browser.evaluate("[...document.querySelectorAll('.pair')].map(p => p.dataset.id)") == ["p4"]
    assert browser.evaluate("document.getElementById('page-of').textContent") == "page 3 of 3"


def test_right_to_left_and_unspaced_scripts(output_folder, tmp_path, browser):
    browser.open(view(output_folder, tmp_path / "ar.html", config="ar").path)
    line = "document.querySelector('.line.tgt')"
    assert browser.evaluate(f"{line}.getAttribute('dir')") == "rtl"
    assert browser.evaluate(f"{line}.lang") == "ar"
    lefts = browser.evaluate(f"[...{line}.querySelectorAll('.w')].map(w => w.getBoundingClientRect().left)")
    assert lefts[0] > lefts[1] > lefts[2]  # the first word is rightmost
    assert browser.evaluate("document.querySelector('.line.src').getAttribute('dir')") == "ltr"

    page = view(output_folder, tmp_path / "zh.html", config="zh").path
    browser.open(page, "q=北京大学")  # words joined without spaces are found
    assert browser.evaluate("document.querySelectorAll('.pair').length") == 1
    assert browser.evaluate("document.querySelectorAll('.line.src').length") == 0  # model transfer: one line
    assert browser.evaluate("document.querySelector('.line.tgt').classList.contains('nospace')")
    assert browser.evaluate("document.querySelector('.line.tgt').textContent").startswith("我\u200b在\u200b")
    notes = browser.evaluate("[...document.querySelectorAll('.note')].map(n => n.textContent)")
    assert notes == ["wrong boundary: gold 2–3", "wrong type: gold ORG"]
    assert browser.evaluate("document.querySelector('.lab .score').textContent") == "0.80"


def test_a_pipelines_own_dataset_shows_its_dropped_pairs_too():
    """translate-train's columns before export: source ``tokens`` (gold ``ner_tags`` as ClassLabel
    ids belong to the source, not the target), ``tgt_tokens``/``projected_tags``, a dropped pair."""
    from projner.viewer.output_folder import RunOutput
    from projner.viewer.payload import build_payload

    labels = datasets.ClassLabel(names=list(CONLL2003_LABELS))
    features = datasets.Features({
        "tokens": datasets.List(datasets.Value("string")), "ner_tags": datasets.List(labels),
        "src_tags": datasets.List(datasets.Value("string")), "tgt_tokens": datasets.List(datasets.Value("string")),
        "projected_tags": datasets.List(datasets.Value("string")),
        "alignments": datasets.List(datasets.List(datasets.Value("int32"))),
        "dropped_reason": datasets.Value("string")})
    ds = datasets.Dataset.from_dict({
        "tokens": [["German", "lamb"], ["Ada", "left"]],
        "ner_tags": [[labels.str2int("B-MISC"), 0], [labels.str2int("B-PER"), 0]],
        "src_tags": [["O", "O"], ["B-PER", "O"]],
        "tgt_tokens": [["Jamus", "rago"], ["ta", "tafi"]],
        "projected_tags": [["B-LOC", "O"], ["O", "O"]],
        "alignments": [[[0, 0], [1, 1]], [[1, 1]]],
        "dropped_reason": ["", "unaligned"]}, features=features)
    output = RunOutput(dataset=ds, provenance=_provenance("translate-train", "ha", CONLL2003_LABELS),
                       report={"no_gold_reason": "no target gold"}, statistics=None, config="ha", split="train")
    payload = build_payload(output, page_size=10, where="result")
    assert not payload["has_gold"] and payload["has_source"]
    assert [p["i"] for p in payload["pairs"]] == ["0", "1"] and payload["pairs"][1]["r"] == "unaligned"
    assert payload["pairs"][1]["s"] == ["Ada", "left"] and "te" not in payload["pairs"][1]
    assert payload["type_counts"]["PER"] == {"source": 1, "unprojected": 1}
    assert payload["no_gold_reason"] == "no target gold"


def test_a_pipeline_result_is_viewed_before_export(tmp_path, browser):
    """``projner.view(result, path)``: project-parallel's result with its gold, every pair kept."""
    import projner
    from projner import RunOptions, project_parallel

    assert "view" in projner.__all__ and projner.view is view

    pairs = datasets.Dataset.from_list([
        {"src_tokens": ["Anna", "visits", "Berlin"], "src_tags": ["B-PER", "O", "B-LOC"],
         "tgt_tokens": ["Anna", "besucht", "Berlin"], "tgt_tags": ["B-PER", "O", "B-LOC"],
         "alignments": [[0, 0], [1, 1], [2, 2]]},
        {"src_tokens": ["Mr", "Smith", "left"], "src_tags": ["O", "B-PER", "O"],
         "tgt_tokens": ["Herr", "Schmidt", "ging"], "tgt_tags": ["O", "B-PER", "O"], "alignments": [[0, 0]]},
    ])
    result = project_parallel(pairs, source_lang="en", target_lang="de", run=RunOptions(cache_dir=str(tmp_path)))
    page = view(result, tmp_path / "result.html")
    assert (page.config, page.split, page.pairs) == ("de", "train", 2)
    browser.open(page.path)
    assert browser.evaluate("[...document.querySelectorAll('.pair')].map(p => p.dataset.id)") == ["0", "1"]
    assert browser.evaluate("[...document.querySelectorAll('.badge')].map(b => b.textContent)") == [
        "agrees with gold", "dropped: unaligned", "1 missed"]
    assert browser.evaluate("document.querySelector('.card.scores .big').textContent") == "F1 80.0"  # P 2/2, R 2/3
