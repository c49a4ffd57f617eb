"""The neural aligner: identical links to SimAlign 0.4 on a tiny random BERT, and its own guarantees
(batching changes nothing, long sentences are windowed not truncated, empty input gives no links).

The differential test runs the model in float64 in both aligners so that the comparison tests the
extraction logic, not the last bits of float32 matrix products (which differ with batch shapes).
"""

from __future__ import annotations

import logging
import pickle
import random
from pathlib import Path

import pytest
import torch

from projner.processing.align.backends import make_aligner
from projner.processing.align.base import WordAligner
from projner.processing.align.encoder import (
    SubwordEncoder,
    window_owners,
    window_starts,
)
from projner.processing.align.extraction import Method, softmax_links, valid_cells
from projner.processing.align.neural import NeuralAligner, NeuralAlignerConfig
from projner.testing.tiny_models import SAMPLE_TEXT

pytestmark = pytest.mark.usefixtures("single_thread")

LETTERS = "abcdefghijklmnopqrstuvwxyzáéíóúäöüßñ"
SIMALIGN_KEYS = {"argmax": "inter", "itermax": "itermax", "match": "mwmf"}


@pytest.fixture(scope="module")
def tiny_model64(tiny_aligner: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same encoder stored in float64 (SimAlign loads a checkpoint in its stored precision)."""
    from transformers import AutoModel, AutoTokenizer

    path = tmp_path_factory.mktemp("models") / "aligner64"
    AutoModel.from_pretrained(tiny_aligner).to(torch.float64).save_pretrained(path)
    AutoTokenizer.from_pretrained(tiny_aligner).save_pretrained(path)
    return path


def random_pairs(count: int, max_words: int, seed: int) -> list[tuple[list[str], list[str]]]:
    """Sentence pairs of known words, punctuation and random letter strings (split into various
    subwords, some unknown to the tokenizer)."""
    rng = random.Random(seed)
    known = sorted({w for sentence in SAMPLE_TEXT for w in sentence.split()})

    def word() -> str:
        draw = rng.random()
        if draw < 0.5:
            return rng.choice(known)
        if draw < 0.6:
            return rng.choice(",.;:!?()\"'-")
        made = "".join(rng.choice(LETTERS) for _ in range(rng.randint(1, 9)))
        return made.capitalize() if rng.random() < 0.3 else made

    return [
        ([word() for _ in range(rng.randint(1, max_words))], [word() for _ in range(rng.randint(1, max_words))])
        for _ in range(count)
    ]


@pytest.mark.parametrize("token_type,distortion", [("word", 0.0), ("bpe", 0.0), ("word", 0.5)])
def test_links_identical_to_simalign(tiny_model64: Path, token_type: str, distortion: float) -> None:
    simalign = pytest.importorskip("simalign")
    logging.getLogger("simalign.simalign").setLevel(logging.WARNING)
    pairs = random_pairs(200, 16, seed=len(token_type) + int(distortion * 10))
    reference = simalign.SentenceAligner(
        model=str(tiny_model64), token_type=token_type, matching_methods="mai", layer=8, distortion=distortion
    )
    expected = [reference.get_word_aligns(src, tgt) for src, tgt in pairs]
    sources, targets = [p[0] for p in pairs], [p[1] for p in pairs]
    for method, key in SIMALIGN_KEYS.items():
        aligner = NeuralAligner(
            model=str(tiny_model64), layer=8, method=method, token_type=token_type, distortion=distortion,
            dtype="float64", device="cpu", batch_size=16,
        )
        got = aligner.align(sources, targets)
        mismatched = [k for k, (g, e) in enumerate(zip(got, expected)) if g != [tuple(x) for x in e[key]]]
        assert not mismatched, f"{method}: pairs {mismatched[:5]} differ from SimAlign"
        assert sum(map(len, got)) > len(pairs)  # links were produced, not merely none on both sides


@pytest.mark.parametrize("method", [m.value for m in Method])
def test_batching_and_order_change_nothing(tiny_model64: Path, method: str) -> None:
    pairs = random_pairs(40, 30, seed=3)
    sources, targets = [p[0] for p in pairs], [p[1] for p in pairs]
    one = NeuralAligner(model=str(tiny_model64), method=method, dtype="float64", device="cpu", batch_size=1)
    many = NeuralAligner(model=str(tiny_model64), method=method, dtype="float64", device="cpu", batch_size=64)
    alone = one.align(sources, targets)
    assert many.align(sources, targets) == alone
    assert many.align(sources[::-1], targets[::-1]) == alone[::-1]


def test_empty_sides_and_words_without_subwords_give_no_links(tiny_aligner: Path) -> None:
    aligner = NeuralAligner(model=str(tiny_aligner), method="itermax", token_type="word", device="cpu")
    src, tgt = ["Angela", "Merkel", "met", "Emmanuel", "Macron"], ["Angela", "Merkel", "besuchte", "Paris"]
    base = aligner.align([src], [tgt])[0]
    # A zero-width space and an empty string have no subwords: they change no model input, so the
    # other words keep their links (indices shifted past the inserted words) and they get none.
    padded_src = ["\u200b"] + src
    padded_tgt = tgt[:2] + [""] + tgt[2:]
    got = aligner.align([[], src, padded_src, ["\u200b"]], [tgt, [], padded_tgt, tgt])
    assert got[0] == [] and got[1] == [] and got[3] == []
    shifted = sorted((i + 1, j + (j >= 2)) for i, j in base)
    assert got[2] == shifted and base


def test_long_sentences_are_windowed_not_truncated(tiny_model64: Path) -> None:
    # No repeated passages: a repeat that lands at the same offset of another window would get
    # bit-identical vectors, and self-alignment would rightly tie.
    sentence = [w for source, _ in random_pairs(6, 20, seed=11) for w in source]
    encoder = SubwordEncoder(str(tiny_model64), layer=8, dtype=torch.float64, max_length=16, batch_size=4)
    encoded = encoder.encode([sentence])[0]
    assert encoded is not None and sorted(set(encoded.words)) == list(range(len(sentence)))
    # Each subword's vector is the one it gets in the window that owns it, encoded on its own.
    content = encoder.tokenizer(sentence, is_split_into_words=True, add_special_tokens=False)["input_ids"]
    width = 16 - 2
    starts = window_starts(len(content), width)
    assert len(starts) > 3
    owners = window_owners(len(content), width, starts)
    cls, sep = encoder.tokenizer.cls_token_id, encoder.tokenizer.sep_token_id
    for index, start in enumerate(starts):
        window = [cls] + content[start:start + width] + [sep]
        hidden = encoder._forward([window])[0, 1:-1]
        for position in range(start, min(start + width, len(content))):
            same = torch.allclose(encoded.vectors[position], hidden[position - start], atol=1e-10)
            assert same == (owners[position] == index)  # context differs between windows
    # Aligning the sentence with itself links every word to itself, the last ones included.
    aligner = NeuralAligner(model=str(tiny_model64), max_length=16, dtype="float64", device="cpu")
    assert aligner.align([sentence], [sentence])[0] == [(i, i) for i in range(len(sentence))]


def test_window_owners_are_contiguous_and_central() -> None:
    starts = window_starts(10, 4)
    assert starts == [0, 2, 4, 6]
    assert window_owners(10, 4, starts) == [0, 0, 0, 1, 1, 2, 2, 3, 3, 3]
    assert window_starts(3, 4) == [0]


def test_only_layers_up_to_the_chosen_one_run_and_give_the_full_models_states(tiny_model64: Path) -> None:
    from transformers import AutoModel

    encoder = SubwordEncoder(str(tiny_model64), layer=5, dtype=torch.float64)
    assert len(encoder.model.encoder.layer) == 5
    full = AutoModel.from_pretrained(tiny_model64, dtype=torch.float64).eval()
    words = SAMPLE_TEXT[1].split()
    ids = encoder.tokenizer(words, is_split_into_words=True, return_tensors="pt")
    with torch.inference_mode():
        expected = full(**ids, output_hidden_states=True).hidden_states[5][0, 1:-1]
    assert torch.allclose(encoder.encode([words])[0].vectors, expected, atol=1e-12)


def test_softmax_matches_a_plain_per_pair_computation(tiny_model64: Path) -> None:
    """AWESoME's extraction written the obvious way (one pair, subword dot products) as the reference."""
    pairs = random_pairs(30, 12, seed=5)
    aligner = NeuralAligner(model=str(tiny_model64), method="softmax", dtype="float64", device="cpu")
    got = aligner.align([p[0] for p in pairs], [p[1] for p in pairs])
    encoder = aligner.encoder
    for (src, tgt), links in zip(pairs, got):
        a, b = encoder.encode([src])[0], encoder.encode([tgt])[0]
        dot = a.vectors @ b.vectors.T
        keep = (dot.softmax(dim=1) > 0.001) & (dot.softmax(dim=0) > 0.001)
        expected = sorted({(a.words[i], b.words[j]) for i, j in keep.nonzero().tolist()})
        assert links == expected
    assert sum(map(len, got)) > 0


def test_softmax_ignores_padding() -> None:
    scores = torch.tensor([[[2.0, 1.0, 9.0], [0.0, 3.0, 9.0]]])
    valid = valid_cells(torch.tensor([2]), torch.tensor([2]), 2, 3)
    links = softmax_links(scores, valid, 0.2)
    assert links[0].nonzero().tolist() == [[0, 0], [1, 1]]


def test_backend_registry_and_pickling(tiny_aligner: Path) -> None:
    aligner = make_aligner("neural", model=str(tiny_aligner), method="match", device="cpu")
    assert isinstance(aligner, WordAligner) and isinstance(aligner, NeuralAligner)
    assert aligner.align([["a"]], [["a"]]) == [[(0, 0)]]
    restored = pickle.loads(pickle.dumps(aligner))
    assert restored._encoder is None and restored.config == aligner.config
    assert len(pickle.dumps(aligner)) < 2000  # the model is not pickled


@pytest.mark.parametrize(
    "options,message",
    [
        ({"method": "best"}, "best"),
        ({"token_type": "char"}, "char"),
        ({"layer": -1}, "layer"),
        ({"softmax_threshold": 0.0}, "softmax_threshold"),
        ({"method": "softmax", "distortion": 0.5}, "distortion"),
        ({"dtype": "int8"}, "dtype"),
    ],
)
def test_bad_options_are_rejected_with_the_reason(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        NeuralAlignerConfig(**options)


def test_missing_layer_is_an_error_naming_the_model(tiny_aligner: Path) -> None:
    with pytest.raises(ValueError, match="layer 12 does not exist"):
        NeuralAligner(model=str(tiny_aligner), layer=12, device="cpu").align([["a"]], [["b"]])


def test_length_batches_bound_size_and_padding() -> None:
    from projner.processing.align.encoder import MIN_BATCH_FILL, _Window, length_batches

    lengths = [40, 3, 38, 5, 37, 6, 4, 39, 36, 5]
    windows = [_Window(k, [0] * n, 1, (0, n), 0) for k, n in enumerate(lengths)]
    batches = length_batches(windows, 3)
    assert sorted(w.sentence for b in batches for w in b) == list(range(len(lengths)))
    for batch in batches:
        sizes = [len(w.ids) for w in batch]
        assert len(batch) <= 3 and sizes == sorted(sizes, reverse=True)
        assert sum(sizes) >= MIN_BATCH_FILL * len(sizes) * sizes[0]
    assert [len(w.ids) for w in batches[0]] == [40, 39, 38]
    assert [[len(w.ids) for w in b] for b in length_batches(windows, 10)] == [[40, 39, 38, 37, 36, 6], [5, 5, 4, 3]]
