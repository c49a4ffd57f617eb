"""Shared test paths: the real data beside the checkout, and the small committed fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; tests that need it skip, with the reason, where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory) -> dict[str, Path]:
    """Tiny random-weight ``translator``, ``ner`` and ``aligner`` folders, built once per session
    by :mod:`projner.testing.tiny_models` with tokenizers trained on the fixture sentences."""
    from projner.testing.tiny_models import build_all

    texts = []
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file() and path.suffix in (".txt", ".tsv", ".conll02"):
            words = [line.split()[0] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            texts.append(" ".join(words))
    return build_all(tmp_path_factory.mktemp("tiny-models"), texts)


@pytest.fixture(scope="session")
def tiny_aligner(tmp_path_factory) -> Path:
    """mBERT-shaped random encoder (8 layers, width 32) with a WordPiece tokenizer, in float32."""
    from projner.testing.tiny_models import build_aligner

    return build_aligner(tmp_path_factory.mktemp("models") / "aligner")


@pytest.fixture(scope="module")
def single_thread() -> Iterator[None]:
    """Tiny models gain nothing from threads, and on a busy machine thread hand-offs cost more than
    the work; restored after the module (``pytestmark = pytest.mark.usefixtures("single_thread")``)."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)
