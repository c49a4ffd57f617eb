"""Word alignment from a multilingual encoder's contextual vectors (SimAlign and AWESoME extraction).

Words become subwords, subwords become vectors from one layer of the encoder, and links are read off
the source × target similarity matrix: at word level (each word the mean of its subwords) or at
subword level (``bpe``: a link between any two subwords links their words). Many sentence pairs
share each forward pass and each extraction step (see :mod:`.encoder` and :mod:`.extraction`);
the links are the ones SimAlign 0.4 computes pair by pair for the same model, layer and method.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

import torch

from projner.processing.align.encoder import EncodedSentence, SubwordEncoder
from projner.processing.align.extraction import (
    Method,
    apply_distortion,
    argmax_links,
    cosine_scores,
    itermax_links,
    match_links,
    softmax_links,
    valid_cells,
)
from projner.processing.align.links import Link
from projner.processing.defaults import (
    DEFAULT_ALIGN_LAYER,
    DEFAULT_ALIGN_METHOD,
    DEFAULT_ALIGNER_MODEL,
)
from projner.processing.runtime import EXECUTION_ONLY, pick_device, pick_dtype

PAIRS_PER_CHUNK = 16
"""Pairs encoded together per ``batch_size`` (chunks of ``16 × batch_size`` pairs, at least 256),
sorted by length inside the chunk: long enough to group similar lengths, short enough to bound memory."""
PAIRS_PER_EXTRACTION = 256
"""Pairs per padded similarity batch."""


class TokenType(str, Enum):
    """The units the similarity matrix is built over."""

    WORD = "word"
    """Words, each the mean of its subwords' vectors."""
    BPE = "bpe"
    """Subwords; a subword link links the two words they belong to."""


DEFAULT_METHOD = Method(DEFAULT_ALIGN_METHOD)


@dataclass(frozen=True)
class NeuralAlignerConfig:
    """Encoder, layer and extraction; ``batch_size`` and ``device`` change speed, never links."""

    model: str = DEFAULT_ALIGNER_MODEL
    """Hub id or local folder of any encoder ``AutoModel`` loads."""
    revision: str | None = None
    layer: int = DEFAULT_ALIGN_LAYER
    """Hidden-state index: 0 is the embeddings, ``k`` the output of the ``k``-th layer."""
    method: Method = DEFAULT_METHOD
    """``itermax`` (``processing.defaults``): on a real encoder (multilingual-e5-small) it projected as
    well as ``argmax`` onto four far scripts and best onto Europarl (docs/alignment.md)."""
    token_type: TokenType = TokenType.BPE
    distortion: float = 0.0
    """SimAlign's position prior (0: none; SimAlign suggests 0.5); not used by ``softmax``."""
    softmax_threshold: float = 0.001
    """AWESoME's probability threshold (``softmax`` only)."""
    max_length: int | None = None
    """Encoder window in subwords, special tokens included; None: the model's own (512 for mBERT)."""
    dtype: str = "float32"
    """``float32`` (exact), ``float64``, ``bfloat16``, ``float16``, or ``auto`` (bf16/fp16 on GPU)."""
    batch_size: int = field(default=32, metadata=EXECUTION_ONLY)
    """Sentence pairs per forward pass."""
    device: str = field(default="auto", metadata=EXECUTION_ONLY)

    def __post_init__(self) -> None:
        for name, kind in (("method", Method), ("token_type", TokenType)):
            value = getattr(self, name)
            if value not in {member.value for member in kind} | set(kind):
                known = ", ".join(member.value for member in kind)
                raise ValueError(f"{name} {value!r} is not one of {known}")
            object.__setattr__(self, name, kind(value))
        if self.layer < 0:
            raise ValueError(f"layer must be >= 0, got {self.layer}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {self.batch_size}")
        if self.max_length is not None and self.max_length < 1:  # 0 would silently mean the model's window
            raise ValueError(f"max_length must be >= 1 (or None: the model's window), got {self.max_length}")
        if not 0.0 < self.softmax_threshold < 1.0:
            raise ValueError(f"softmax_threshold must lie in (0, 1), got {self.softmax_threshold}")
        if self.distortion < 0.0:
            raise ValueError(f"distortion must be >= 0, got {self.distortion}")
        if self.distortion and self.method is Method.SOFTMAX:
            raise ValueError("distortion is a prior on similarities; the softmax method does not use it")
        if self.dtype not in ("auto", "float32", "float64", "bfloat16", "float16"):
            raise ValueError(f"dtype {self.dtype!r} is not one of auto, float32, float64, bfloat16, float16")


def resolve_dtype(name: str, device: torch.device) -> torch.dtype:
    """The torch dtype for a config's ``dtype`` on ``device`` (``float64`` is allowed for exact tests)."""
    return torch.float64 if name == "float64" else pick_dtype(name, device)


@dataclass(frozen=True, slots=True)
class _Units:
    """One sentence's alignment units (words or subwords): vectors and the word of each unit."""

    vectors: torch.Tensor
    words: list[int]


class NeuralAligner:
    """Aligns sentence pairs with an encoder; the model loads on first use and is never pickled."""

    def __init__(self, config: NeuralAlignerConfig | None = None, **options: object) -> None:
        if config is not None and options:
            raise TypeError("pass a NeuralAlignerConfig or keyword options, not both")
        self.config = config if config is not None else NeuralAlignerConfig(**options)  # type: ignore[arg-type]
        self._encoder: SubwordEncoder | None = None

    def __getstate__(self) -> dict[str, object]:
        return {"config": self.config, "_encoder": None}

    @property
    def encoder(self) -> SubwordEncoder:
        """The tokenizer and truncated model, loaded on first use."""
        if self._encoder is None:
            device = pick_device(self.config.device)
            self._encoder = SubwordEncoder(
                self.config.model,
                layer=self.config.layer,
                revision=self.config.revision,
                device=device,
                dtype=resolve_dtype(self.config.dtype, device),
                max_length=self.config.max_length,
                batch_size=2 * self.config.batch_size,
            )
        return self._encoder

    def align(self, source: Sequence[Sequence[str]], target: Sequence[Sequence[str]]) -> list[list[Link]]:
        """Links of each pair, source index first, sorted; an empty side gives no links."""
        if len(source) != len(target):
            raise ValueError(f"{len(source)} source sentences but {len(target)} target sentences")
        results: list[list[Link]] = [[] for _ in source]
        chunk = max(256, PAIRS_PER_CHUNK * self.config.batch_size)
        for start in range(0, len(source), chunk):
            stop = min(start + chunk, len(source))
            for offset, links in self._align_chunk(source[start:stop], target[start:stop]).items():
                results[start + offset] = links
        return results

    def _align_chunk(
        self, source: Sequence[Sequence[str]], target: Sequence[Sequence[str]]
    ) -> dict[int, list[Link]]:
        encoded = self.encoder.encode(list(source) + list(target))
        n = len(source)
        return dict(enumerate(self.align_encoded(encoded[:n], encoded[n:])))

    def align_encoded(
        self, source: Sequence[EncodedSentence | None], target: Sequence[EncodedSentence | None]
    ) -> list[list[Link]]:
        """Links of pairs already encoded (by this config's model and layer): the extraction step
        alone, so that one encoding can serve several methods and token types."""
        todo: list[tuple[int, _Units, _Units]] = []
        for k, (src, tgt) in enumerate(zip(source, target, strict=True)):
            if src is not None and tgt is not None:
                todo.append((k, self._units(src), self._units(tgt)))
        todo.sort(key=lambda item: (len(item[1].words), len(item[2].words)))
        found: list[list[Link]] = [[] for _ in source]
        for first in range(0, len(todo), PAIRS_PER_EXTRACTION):
            for k, links in self._extract(todo[first:first + PAIRS_PER_EXTRACTION]).items():
                found[k] = links
        return found

    def _units(self, encoded: EncodedSentence) -> _Units:
        """Subword vectors as they are (``bpe``), or averaged per word (``word``)."""
        vectors = encoded.vectors
        wide = torch.float64 if vectors.dtype == torch.float64 else torch.float32
        if self.config.token_type is TokenType.BPE:
            return _Units(vectors.to(wide), encoded.words)
        words = sorted(set(encoded.words))
        slot = {word: k for k, word in enumerate(words)}
        index = torch.tensor([slot[w] for w in encoded.words], device=vectors.device)
        sums = torch.zeros((len(words), vectors.shape[1]), dtype=wide, device=vectors.device)
        sums.index_add_(0, index, vectors.to(wide))
        counts = torch.bincount(index, minlength=len(words)).to(wide)
        return _Units(sums / counts[:, None], words)

    def _extract(self, group: list[tuple[int, _Units, _Units]]) -> dict[int, list[Link]]:
        """Links for a group of pairs: one padded similarity batch, one extraction."""
        device = group[0][1].vectors.device
        pad = torch.nn.utils.rnn.pad_sequence
        src = pad([s.vectors for _, s, _ in group], batch_first=True)
        tgt = pad([t.vectors for _, _, t in group], batch_first=True)
        src_len = torch.tensor([len(s.words) for _, s, _ in group], device=device)
        tgt_len = torch.tensor([len(t.words) for _, _, t in group], device=device)
        valid = valid_cells(src_len, tgt_len, src.shape[1], tgt.shape[1])
        method = self.config.method
        if method is Method.SOFTMAX:
            scores = torch.bmm(src, tgt.transpose(1, 2))
            links = softmax_links(scores, valid, self.config.softmax_threshold)
        else:
            scores = apply_distortion(cosine_scores(src, tgt), src_len, tgt_len, self.config.distortion)
            if method is Method.ARGMAX:
                links = argmax_links(scores, valid)
            elif method is Method.ITERMAX:
                links = itermax_links(scores, valid, src_len, tgt_len)
            else:
                links = match_links(scores, src_len, tgt_len)
        pairs: list[set[Link]] = [set() for _ in group]
        for b, i, j in links.nonzero().tolist():
            pairs[b].add((group[b][1].words[i], group[b][2].words[j]))
        return {group[b][0]: sorted(found) for b, found in enumerate(pairs)}
