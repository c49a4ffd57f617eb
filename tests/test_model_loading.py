"""A model that cannot be loaded is named, with what it was for: from_pretrained's own message
("We couldn't connect to 'https://huggingface.co' …") names neither."""

from __future__ import annotations

import pytest

from projner.processing.align.encoder import SubwordEncoder
from projner.processing.model_loading import ModelLoadError, loading
from projner.processing.stages.tagging import Label, LabelConfig


def test_a_failed_load_names_the_role_the_model_and_the_revision():
    said = r"could not load the translator 'org/x' at revision 'v2': offline"
    with pytest.raises(ModelLoadError, match=said), loading("translator", "org/x", "v2"):
        raise OSError("offline")


def test_the_ner_model_and_the_aligner_encoder_are_named_when_their_folder_holds_no_model(tmp_path):
    with pytest.raises(ModelLoadError, match=f"could not load the NER model '{tmp_path}'"):
        Label(LabelConfig(model=str(tmp_path))).model_labels()
    with pytest.raises(ModelLoadError, match=f"could not load the aligner's encoder '{tmp_path}'"):
        SubwordEncoder(str(tmp_path), layer=8)
