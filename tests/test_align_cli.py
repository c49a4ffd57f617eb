"""Entry points of the aligners: ``projner align`` and the ``Dataset.map`` adapter ``Align``."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from projner.cli import main
from projner.commands import aligner_options
from projner.processing.align.extraction import Method
from projner.processing.align.links import parse_pharaoh
from projner.processing.align.neural import (
    DEFAULT_ALIGNER_MODEL,
    NeuralAligner,
    NeuralAlignerConfig,
    TokenType,
)
from projner.processing.align.pairs import PairsError, parse_pair
from projner.processing.options import MethodOptions
from projner.processing.stages.correspondence import Align, align_dataset
from projner.testing.tiny_models import SAMPLE_TEXT

pytestmark = pytest.mark.usefixtures("single_thread")

PAIRS = [
    (SAMPLE_TEXT[2], "Angela Merkel traf Emmanuel Macron in Paris , Frankreich ."),
    ("", "nothing on the left"),
    (SAMPLE_TEXT[0], SAMPLE_TEXT[0]),
    ("EU rejects", ""),
    (SAMPLE_TEXT[8], SAMPLE_TEXT[9]),
]


@pytest.fixture
def pairs_file(tmp_path: Path) -> Path:
    path = tmp_path / "pairs.txt"
    path.write_text("".join(f"{s} ||| {t}\n" for s, t in PAIRS), encoding="utf-8")
    return path


def test_cli_choices_are_the_aligners_own() -> None:
    assert aligner_options.METHODS == tuple(m.value for m in Method)
    assert set(aligner_options.TOKEN_TYPES) == {t.value for t in TokenType}
    assert aligner_options.DEFAULT_ALIGNER_MODEL == DEFAULT_ALIGNER_MODEL
    measured = NeuralAlignerConfig()  # the defaults docs/alignment.md measured on a real encoder
    assert measured.method.value == MethodOptions().align_method == "itermax"
    assert measured.layer == MethodOptions().align_layer == 8 and measured.token_type.value == "bpe"


def test_align_writes_one_line_per_pair_in_order(tiny_aligner: Path, pairs_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "links.txt"
    code = main(["align", "--input", str(pairs_file), "--output", str(out), "--model", str(tiny_aligner),
                 "--method", "itermax", "--token-type", "word", "--batch-size", "2", "--device", "cpu"])
    assert code == 0
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and len(lines) - 1 == len(PAIRS)
    expected = NeuralAligner(model=str(tiny_aligner), method="itermax", token_type="word", device="cpu").align(
        [s.split() for s, _ in PAIRS], [t.split() for _, t in PAIRS]
    )
    assert [parse_pharaoh(line).sure for line in lines[:-1]] == expected
    assert lines[1] == "" and lines[3] == ""  # empty sides: no links, line kept
    assert lines[2] == " ".join(f"{i}-{i}" for i in range(len(SAMPLE_TEXT[0].split())))


def test_bad_line_is_an_error_naming_it(tiny_aligner: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("a b ||| c d\nno separator here\n", encoding="utf-8")
    code = main(["align", "--input", str(bad), "--output", str(tmp_path / "o"), "--model", str(tiny_aligner)])
    assert code == 2
    assert f"{bad}, line 2: expected 'source ||| target'" in capsys.readouterr().err
    with pytest.raises(PairsError, match="more than one"):
        parse_pair("a ||| b ||| c")
    assert parse_pair("  ||| x y ") == ([], ["x", "y"])


@pytest.mark.parametrize("option", ["--batch-size", "--max-length"])
@pytest.mark.parametrize("value", ["0", "-3"])
def test_a_batch_size_or_max_length_below_one_is_a_usage_error(pairs_file: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture, option: str,
                                                               value: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["align", "--input", str(pairs_file), "--output", str(tmp_path / "o"), option, value])
    assert exit_.value.code == 2
    assert f"argument {option}: {value} is not at least 1" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
    with pytest.raises(ValueError, match="max_length must be >= 1"):
        NeuralAlignerConfig(max_length=int(value))


def test_eflomal_backend_through_the_same_command(pairs_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "links.txt"
    assert main(["align", "--aligner", "eflomal", "--input", str(pairs_file), "--output", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(PAIRS) and lines[1] == "" and lines[3] == ""
    for (src, tgt), line in zip(PAIRS, lines):
        assert all(i < len(src.split()) and j < len(tgt.split()) for i, j in parse_pharaoh(line).sure)


def _dataset():
    import datasets

    return datasets.Dataset.from_dict(
        {"src_tokens": [s.split() for s, _ in PAIRS], "tgt_tokens": [t.split() for _, t in PAIRS]}
    )


def test_map_adapter_adds_alignments_and_pickles_without_the_model(tiny_aligner: Path) -> None:
    dataset = _dataset()
    align = Align("neural", model=str(tiny_aligner), method="argmax", device="cpu", batch_size=2)
    mapped = align_dataset(dataset, align, batch_size=2)
    direct = NeuralAligner(model=str(tiny_aligner), method="argmax", device="cpu").align(
        dataset["src_tokens"], dataset["tgt_tokens"])
    assert mapped["alignments"] == [[list(link) for link in pair] for pair in direct]
    assert mapped.column_names == ["src_tokens", "tgt_tokens", "alignments"]
    assert align._aligner is not None and pickle.loads(pickle.dumps(align))._aligner is None


def test_map_fingerprint_follows_links_not_speed(tiny_aligner: Path) -> None:
    base = Align("neural", model=str(tiny_aligner), method="argmax", device="cpu")
    same = Align("neural", model=str(tiny_aligner), method="argmax", device="cpu", batch_size=128)
    other = Align("neural", model=str(tiny_aligner), method="itermax", device="cpu")
    columns = Align("neural", model=str(tiny_aligner), method="argmax", device="cpu", target_column="translation")
    assert base.fingerprint("abc") == same.fingerprint("abc")
    assert len({base.fingerprint("abc"), other.fingerprint("abc"), columns.fingerprint("abc"),
                base.fingerprint("abd")}) == 4
    with pytest.raises(ValueError, match="method"):
        Align("neural", model=str(tiny_aligner), method="nope")


def test_map_with_worker_processes_started_by_spawn(tiny_aligner: Path) -> None:
    dataset = _dataset()
    align = Align("neural", model=str(tiny_aligner), device="cpu")
    mapped = align_dataset(dataset, align, batch_size=2, num_proc=2)
    direct = NeuralAligner(model=str(tiny_aligner), device="cpu").align(dataset["src_tokens"], dataset["tgt_tokens"])
    assert mapped["alignments"] == [[list(link) for link in pair] for pair in direct]


def test_unloadable_model_is_an_error_not_a_traceback(pairs_file: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture) -> None:
    missing = tmp_path / "no-such-model"
    code = main(["align", "--input", str(pairs_file), "--output", str(tmp_path / "o"), "--model", str(missing)])
    assert code == 2 and "projner align: error:" in capsys.readouterr().err
