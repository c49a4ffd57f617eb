"""Several sources at once, and the guarantee that one source projects exactly as before."""

from __future__ import annotations

import hashlib
import json

import datasets
import pytest

from projner.cli import main

EN_DE_PIN = {
    "f1": 0.9114688128772637, "precision": 0.9207317073170732, "recall": 0.9023904382470119,
    "projected_entities": 492, "unprojected": {"overlap": 2, "unaligned": 28},
    "tags_sha256": "0b882c5f74fcc850cf90204f2694353a9ecec972759838fa07e890d8e7feccbd",
}
"""Europarl-NER en→de through the reference intersection links, measured before several sources
existed (project-parallel, MISC=O): one source must keep giving exactly this."""


@pytest.mark.slow
def test_single_source_europarl_en_de_is_unchanged_to_the_last_digit(shared_data, tmp_path, capsys):
    folder = shared_data / "europarl-ner"
    code = main(["project-parallel", "--source", str(folder / "en-europarl.test.conll02"),
                 "--target", str(folder / "de-europarl.test.conll02"),
                 "--alignments", str(folder / "alignments" / "eflomal.en-de.intersection.txt"),
                 "--label-map", "MISC=O", "--source-lang", "en", "--target-lang", "de",
                 "--output", str(tmp_path / "out"), "--report", str(tmp_path / "report.json")])
    capsys.readouterr()
    assert code == 0
    report = json.loads((tmp_path / "report.json").read_text())
    for key in ("f1", "precision", "recall", "projected_entities", "unprojected"):
        assert report[key] == EN_DE_PIN[key], key
    split = datasets.load_dataset(str(tmp_path / "out"), "de")["train"]
    names = split.features["ner_tags"].feature.names
    tags = [[names[t] for t in row] for row in split["ner_tags"]]
    assert hashlib.sha256(json.dumps(tags).encode()).hexdigest() == EN_DE_PIN["tags_sha256"]
