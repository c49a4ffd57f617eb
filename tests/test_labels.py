import pytest

from projner.labels import (
    CONLL2003_LABELS,
    MASAKHANER2_LABELS,
    PANX_LABELS,
    LabelMap,
    entity_types,
    labels_for_types,
)


def test_hub_label_orders():
    assert PANX_LABELS == ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC")
    assert MASAKHANER2_LABELS[-2:] == ("B-DATE", "I-DATE")
    assert labels_for_types(entity_types(CONLL2003_LABELS)) == CONLL2003_LABELS


def test_label_map_drops_and_renames_by_type():
    label_map = LabelMap.parse(["MISC=O", "PERSON=PER"])
    assert label_map.map_tags(["B-MISC", "I-MISC", "B-PERSON", "I-PERSON", "B-LOC", "O"]) == [
        "O", "O", "B-PER", "I-PER", "B-LOC", "O"]
    assert label_map.map_labels(CONLL2003_LABELS) == PANX_LABELS
    assert label_map.as_strings() == ["MISC=O", "PERSON=PER"]


@pytest.mark.parametrize("bad", ["MISC", "=O", "B-MISC=O"])
def test_label_map_rejects_malformed_entries(bad):
    with pytest.raises(ValueError, match="label map entry"):
        LabelMap.parse([bad])
