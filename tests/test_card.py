"""Dataset cards: every section filled (or saying why not), no placeholder left, for several kinds
of run; the provenance record's JSON round trip and its errors."""

from __future__ import annotations

import re
import string
from dataclasses import replace
from importlib import resources

import pytest

from projner.dataset_cards.card import (
    CardError,
    ConfigRecord,
    card_metadata,
    check_card,
    render_body,
)
from projner.dataset_cards.provenance import (
    Component,
    ModelRef,
    Provenance,
    ProvenanceError,
    SourceDataset,
    check_report,
)
from projner.dataset_cards.sources import known_source
from projner.dataset_cards.statistics import SplitStatistics
from projner.labels import CONLL2003_LABELS, PANX_LABELS, LabelMap, labels_for_types

NLLB = ModelRef("translator", "facebook/nllb-200-distilled-600M", "f8d333a098d19b4fd9a8b18f9417")
NER = ModelRef("ner", "FacebookAI/xlm-roberta-large-finetuned-conll03-english", "18f95e9924f3f452")


def _scores(f1: float) -> dict:
    row = {"precision": f1, "recall": f1, "f1": f1, "support": 10}
    return {"precision": f1, "recall": f1, "f1": f1, "support": 30,
            "per_type": {"LOC": row, "ORG": row, "PER": row}}


def _stats(source: bool = True) -> dict[str, SplitStatistics]:
    return {"test": SplitStatistics(
        sentences=9, tokens=120, entities={"PER": 4, "LOC": 3}, dropped={"no alignment": 1},
        source_entities={"PER": 5, "LOC": 4} if source else None)}


COLUMNS = {"tokens": "list of string", "ner_tags": "list of ClassLabel", "alignments": "list of list of int64"}

VARIANTS = {
    "project-parallel, scored, no models": ConfigRecord(
        name="de",
        provenance=Provenance(
            task="project-parallel", source_dataset=known_source("europarl-ner", split="test"),
            source_language="en", target_language="de",
            method=Component("heuristic", {"min_score": 0.5}),
            aligner=Component("eflomal", {"symmetrization": "gdfa"}), labels=CONLL2003_LABELS,
            created="2025-03-01"),
        statistics=_stats(), report={"scores": _scores(0.8), "gold": "Europarl-NER de gold tags"},
        columns=COLUMNS, default=True),
    "translate-test with model-transfer baseline": ConfigRecord(
        name="yo",
        provenance=Provenance(
            task="translate-test", source_dataset=known_source("masakhaner2", config="yor", split="test"),
            source_language="en", target_language="yo",
            method=Component("candidates", {"selection": "ner", "matching": "argmax", "threshold": 0.8}),
            aligner=Component("simalign", {"model": "bert-base-multilingual-cased", "method": "itermax"}),
            models=(NLLB, NER), labels=labels_for_types(["PER", "ORG", "LOC"]),
            label_map=tuple(LabelMap.parse(["DATE=O"]).as_strings()),
            created="2025-03-02"),
        statistics=_stats(),
        report={"scores": _scores(0.7), "baseline": {"name": "model-transfer", "scores": _scores(0.6)}},
        columns=COLUMNS),
    "translate-train without a report": ConfigRecord(
        name="sw",
        provenance=Provenance(
            task="translate-train", source_dataset=known_source("conll2003", split="train"),
            source_language="en", target_language="sw",
            method=Component("heuristic", {}), aligner=Component("awesome", {"layer": 8}),
            models=(NLLB, ModelRef("aligner", "/models/local-awesome", None)),
            labels=CONLL2003_LABELS, created="2025-03-03"),
        statistics=_stats(), report=None, columns=COLUMNS),
    "model-transfer into a script without spaces": ConfigRecord(
        name="th",
        provenance=Provenance(
            task="model-transfer", source_dataset=known_source("panx", config="PAN-X.th", split="validation"),
            source_language="en,de", target_language="th", method=Component("model-transfer", {}),
            models=(NER,), labels=PANX_LABELS, created="2025-03-04"),
        statistics=_stats(source=False), report={"no_gold_reason": "the test split is held out"},
        columns=COLUMNS),
    "project-parallel on local files, languages not recorded": ConfigRecord(
        name="default",
        provenance=Provenance(
            task="project-parallel",
            source_dataset=SourceDataset(name="a.conll + b.conll", license="unknown", citation=None,
                                         homepage=None, license_details="not recorded"),
            source_language=None, target_language=None, method=Component("heuristic", {"merge_distance": 1}),
            aligner=Component("eflomal", {"runs": 3}), labels=CONLL2003_LABELS, created="2025-03-05"),
        statistics={"train": SplitStatistics(sentences=5, tokens=50, entities={"PER": 2},
                                             incomplete={"unaligned": 1}, keep_dropped=True,
                                             source_entities={"PER": 3})},
        report={"no_gold_reason": "b.conll has no tags"}, columns={**COLUMNS, "src_tokens": "list of string"}),
}


def _template_fields() -> set[str]:
    names = set()
    for name in ("card.md", "config.md"):
        text = resources.files("projner.dataset_cards").joinpath("templates", name).read_text("utf-8")
        names |= set(string.Template(text).get_identifiers())
    return names


def _sections(body: str) -> list[tuple[str, str]]:
    """(heading, text up to the next heading of any level)."""
    parts = re.split(r"^(#+ .*)$", body, flags=re.MULTILINE)
    return list(zip(parts[1::2], parts[2::2], strict=True))


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_no_section_is_empty_and_no_placeholder_survives(variant):
    record = VARIANTS[variant]
    body = render_body([record], location="org/corpus")
    fields = _template_fields()
    assert fields, "the templates have placeholders to check for"
    for name in fields:
        assert f"${name}" not in body and f"${{{name}}}" not in body
    for bad in ("None", "TODO", "nan", "[More Information Needed]"):
        assert not re.search(rf"\b{re.escape(bad)}\b", body), bad
    sections = _sections(body)
    headings = [h for h, _ in sections]
    for required in ("## Configurations", "## How to load", "## Data fields", "### Source data",
                     "### Method", "### Word alignment", "### Models", "### Statistics",
                     "### Evaluation", "## Intended use", "## Limitations", "## License",
                     "## Citation"):
        assert required in headings, required
    for position, (heading, text) in enumerate(sections):
        next_level = (len(sections[position + 1][0]) - len(sections[position + 1][0].lstrip("#"))
                      if position + 1 < len(sections) else 0)
        level = len(heading) - len(heading.lstrip("#"))
        if next_level <= level:  # a section without subsections must hold text
            assert text.strip(), f"{variant}: {heading} is empty"
    for key, value in record.provenance.method.params.items():
        assert f"`{key}`" in body and str(value) in body
    for model in record.provenance.models:
        assert model.id in body
        assert (model.revision or "not pinned") in body
    assert "2501.18750" in body and "Politov" in body
    citation = record.provenance.source_dataset.citation
    assert (citation or "no citation was recorded for these files") in body
    assert record.provenance.created in body


def test_evaluation_section_reports_scores_baseline_or_the_reason():
    scored = render_body([VARIANTS["translate-test with model-transfer baseline"]], location="x")
    evaluation = dict(_sections(scored))["### Evaluation"]
    assert "F1 of model-transfer" in evaluation
    assert "| **overall** | 70.0 | 70.0 | **70.0** | 30 | **60.0** |" in evaluation
    unscored = dict(_sections(render_body([VARIANTS["translate-train without a report"]], location="x")))
    assert unscored["### Evaluation"].strip() == (
        "No evaluation: no run report was given at export, so no scores were recorded.")
    thai = VARIANTS["model-transfer into a script without spaces"]
    held_out = dict(_sections(render_body([thai], location="x")))
    assert held_out["### Evaluation"].strip() == "No evaluation: the test split is held out."


def test_limitations_follow_the_languages_and_tasks():
    spaced = render_body([VARIANTS["project-parallel, scored, no models"]], location="x")
    assert "Scripts without spaces" not in spaced and "Translation errors" not in spaced
    unspaced = render_body([VARIANTS["model-transfer into a script without spaces"]], location="x")
    assert "**Scripts without spaces** (Thai)" in unspaced and "Model errors" in unspaced
    assert "No word alignment" in unspaced and "Alignment errors" not in unspaced
    both = render_body(list(VARIANTS.values()), location="x")
    assert "**Translation errors** (Yoruba, Swahili)" in both
    assert "label map DATE=O" in both
    assert "Non-commercial use only" in both  # MasakhaNER 2.0 is CC BY-NC 4.0
    assert "research use only" in both  # CoNLL-2003


def test_check_card_rejects_empty_sections_and_placeholders():
    check_card("# T\n\ntext\n\n## A\n\n### B\n\nfilled\n")
    with pytest.raises(CardError, match="'## Limitations' is empty"):
        check_card("# T\n\ntext\n\n## Limitations\n\n\n## License\n\nx\n")
    with pytest.raises(CardError, match=r"placeholder \$evaluation"):
        check_card("# T\n\n$evaluation\n")


def test_provenance_round_trip_and_errors():
    for record in VARIANTS.values():
        prov = record.provenance
        assert Provenance.from_dict(prov.to_dict()) == prov
    data = VARIANTS["project-parallel, scored, no models"].provenance.to_dict()
    with pytest.raises(ProvenanceError, match="task 'translate' is not one of"):
        Provenance.from_dict({**data, "task": "translate"})
    with pytest.raises(ProvenanceError, match="aligner is required"):
        Provenance.from_dict({**data, "aligner": None})
    with pytest.raises(ProvenanceError, match="models is empty"):
        Provenance.from_dict({**data, "task": "translate-test"})
    with pytest.raises(ProvenanceError, match="still hold types the label map"):
        Provenance.from_dict({**data, "label_map": ["MISC=O"]})
    with pytest.raises(ProvenanceError, match="'O' first"):
        Provenance.from_dict({**data, "labels": ["B-PER", "O"]})
    source = dict(data["source_dataset"], license="other", license_details=None)
    with pytest.raises(ProvenanceError, match="needs 'license_details'"):
        Provenance.from_dict({**data, "source_dataset": source})
    with pytest.raises(ProvenanceError, match=r"report.scores.f1 must be a fraction"):
        check_report({"scores": {**_scores(0.5), "f1": 55.0}})
    with pytest.raises(ProvenanceError, match="baseline is given without"):
        check_report({"baseline": {"name": "model-transfer", "scores": _scores(0.5)}})


def test_unrecorded_languages_and_sources_are_said_not_guessed():
    record = VARIANTS["project-parallel on local files, languages not recorded"]
    body = render_body([record], location="x")
    assert "## Language not recorded (`default`)" in body
    assert "Target language: not recorded" in body and "`--target-lang CODE`" in body
    assert "Source language: not recorded" in body and "`--source-lang CODE`" in body
    assert "**Languages not recorded** (`default`)" in body
    assert "Its homepage was not recorded (local files)." in body
    assert "a.conll + b.conll: no citation was recorded for these files" in body
    assert "](None)" not in body and "()" not in body
    statistics = dict(_sections(body))["### Statistics"]
    assert "published incomplete (by reason)" in statistics and "unaligned: 1" in statistics
    assert "Every sentence is published, as scored" in statistics
    metadata = card_metadata([record], configs=[], dataset_info=[])
    assert "language" not in metadata and "source_datasets" not in metadata
    assert metadata["multilinguality"] == "multilingual"  # two sides, neither language recorded
    known = card_metadata([VARIANTS["project-parallel, scored, no models"]], configs=[], dataset_info=[])
    assert known["language"] == ["de"] and known["license"] == "cc-by-sa-4.0"
    assert known["source_datasets"] == ["extended|ixa-ehu/ner-evaluation-corpus-europarl"]


def test_languages_may_be_unrecorded_only_for_project_parallel():
    data = VARIANTS["project-parallel on local files, languages not recorded"].provenance.to_dict()
    assert Provenance.from_dict(data).target_language is None
    with pytest.raises(ProvenanceError, match="target_language is required for task 'translate-test'"):
        Provenance.from_dict({**data, "task": "translate-test", "source_language": "en",
                              "models": [NLLB.to_dict()]})


def test_models_link_to_the_hub_and_local_folders_do_not():
    body = render_body([VARIANTS["translate-train without a report"]], location="x")
    assert "[`facebook/nllb-200-distilled-600M`](https://huggingface.co/facebook/nllb-200-distilled-600M)" in body
    assert "`/models/local-awesome` (a local folder)" in body
    assert "huggingface.co//" not in body


def test_a_retyped_label_map_is_described_as_retyped():
    plain = VARIANTS["translate-train without a report"]
    mapped = replace(plain, provenance=replace(plain.provenance, label_map=("MISC=O",),
                                               labels=labels_for_types(["PER", "ORG", "LOC"])))
    assert "Label map applied before projection and scoring: `MISC=O`" in render_body([mapped], location="x")
    retyped = replace(mapped, provenance=replace(mapped.provenance, method=Component(
        "candidates", {"retype_dropped": {"types": ["MISC"], "min_count": 3}})))
    body = render_body([retyped], location="x")
    assert "Label map: `MISC=O`. The types it drops were projected too" in body
    assert "Label map applied before" not in body and "retyped from the corpus's own projections" in body


def test_html_in_a_file_name_is_shown_as_text_not_read_as_html(tmp_path, capsys):
    """A file name is the source's title: a `<!--` in it would hide the rest of the card on the Hub."""
    from projner.cli import main

    folder = tmp_path / "x<b>t<!--"
    folder.mkdir()
    source, target = folder / "<img src=x onerror=alert(3)>.conll", folder / "t.conll"
    source.write_text("Anna B-PER\nlebt O\n", encoding="utf-8")
    target.write_text("Anna B-PER\nlives O\n", encoding="utf-8")
    links = tmp_path / "links.txt"
    links.write_text("0-0 1-1\n", encoding="utf-8")
    assert main(["project-parallel", "--source", str(source), "--target", str(target), "--alignments", str(links),
                 "--output", str(tmp_path / "out")]) == 0
    body = (tmp_path / "out" / "README.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    assert "&lt;img src=x onerror=alert(3)&gt;.conll" in body
    assert "<img" not in body and "<b>" not in body
    assert [line for line in body.splitlines() if "<!--" in line] == [  # the card's own marker alone
        "<!-- projner card: generated from each config's provenance.json; projner export and push rewrite it -->"]
