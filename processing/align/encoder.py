"""Contextual subword vectors of word-split sentences from one layer of any Hugging Face encoder.

Many sentences go through the model per forward pass, sorted by length so a batch holds sentences
of similar length, and cut short where padding would exceed a fifth of the batch. Only the layers up
to the chosen one are loaded: layer ``k``'s output does not depend on the layers above it, so
running them would be wasted work. A sentence longer than the model's window is encoded in
overlapping windows, each subword taken from the window where it sits farthest from an edge, so
nothing is truncated.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from projner.processing.model_loading import loading

MIN_BATCH_FILL = 0.8
"""Least share of real tokens in a padded forward batch (see :func:`length_batches`)."""


@dataclass(frozen=True, slots=True)
class EncodedSentence:
    """One sentence's subwords: their vectors (``[subwords, dim]``) and the word each belongs to.

    Words the tokenizer turns into no subword at all (e.g. a lone zero-width space) are absent.
    """

    vectors: torch.Tensor
    words: list[int]


@dataclass(frozen=True, slots=True)
class _Window:
    """One model input: (part of) a sentence's subwords between the special tokens."""

    sentence: int
    ids: list[int]
    offset: int
    """Where the content starts in ``ids``."""
    supplies: tuple[int, int]
    """The sentence's subwords ``[lo, hi)`` this window supplies (those nearer its centre than any
    other window's)."""
    start: int
    """Where the window's content starts in the sentence."""


def window_starts(length: int, width: int) -> list[int]:
    """Starts of windows of ``width`` subwords covering ``length``, each half a window after the last."""
    if length <= width:
        return [0]
    step = max(1, width // 2)
    return list(range(0, length - width, step)) + [length - width]


def window_owners(length: int, width: int, starts: Sequence[int]) -> list[int]:
    """For each subword, the window (index into ``starts``) where it is farthest from an edge.

    Each window owns one contiguous run of subwords (ties go to the earlier window)."""
    owners = []
    for position in range(length):
        best, best_margin = 0, -1
        for index, start in enumerate(starts):
            if start <= position < start + width:
                margin = min(position - start, start + width - 1 - position)
                if margin > best_margin:
                    best, best_margin = index, margin
        owners.append(best)
    return owners


def length_batches(windows: Sequence[_Window], batch_size: int) -> list[list[_Window]]:
    """Windows longest first, in batches of at most ``batch_size`` whose real (non-padding) tokens
    stay at least ``MIN_BATCH_FILL`` of the padded batch: one batch of very unequal lengths would
    spend most of its work on padding."""
    order = sorted(windows, key=lambda w: len(w.ids), reverse=True)
    batches: list[list[_Window]] = []
    first = 0
    while first < len(order):
        longest, tokens, end = len(order[first].ids), 0, first
        while end < len(order) and end - first < batch_size:
            tokens += len(order[end].ids)
            if end > first and tokens < MIN_BATCH_FILL * (end - first + 1) * longest:
                break
            end += 1
        batches.append(order[first:end])
        first = end
    return batches


def model_window(config: object, tokenizer: object) -> int:
    """Positions the model takes, special tokens included: the tokenizer's limit, else the model's.

    RoBERTa-style models number positions from ``pad_token_id + 1``, so two fewer are usable.
    """
    limit = getattr(tokenizer, "model_max_length", None)
    positions = getattr(config, "max_position_embeddings", None)
    if positions is not None and getattr(config, "model_type", "") in {"roberta", "xlm-roberta", "camembert"}:
        positions -= getattr(config, "pad_token_id", 1) + 1
    candidates = [v for v in (limit, positions) if isinstance(v, int) and 0 < v < 1_000_000]
    if not candidates:
        raise ValueError("cannot tell the encoder's window; pass max_length")
    return min(candidates)


class SubwordEncoder:
    """Loads a tokenizer and the first ``layer`` layers of an encoder; turns sentences into vectors."""

    def __init__(
        self,
        model: str,
        *,
        layer: int,
        revision: str | None = None,
        device: torch.device | str = "cpu",
        dtype: torch.dtype = torch.float32,
        max_length: int | None = None,
        batch_size: int = 64,
    ) -> None:
        import transformers
        from transformers import AutoConfig, AutoModel, AutoTokenizer

        with loading("aligner's encoder", model, revision):
            self.tokenizer = AutoTokenizer.from_pretrained(model, revision=revision)
            config = AutoConfig.from_pretrained(model, revision=revision)
        if not getattr(self.tokenizer, "is_fast", False):
            raise ValueError(f"{model}: the aligner needs a fast (Rust) tokenizer for subword-to-word maps")
        layers = getattr(config, "num_hidden_layers", None)
        if layer < 0 or (layers is not None and layer > layers):
            raise ValueError(f"{model}: layer {layer} does not exist (the model has {layers} layers; 0 = embeddings)")
        if layers is not None and layer < layers:
            config.num_hidden_layers = layer
        verbosity = transformers.logging.get_verbosity()
        transformers.logging.set_verbosity_error()  # the dropped upper layers are "unexpected" keys
        try:
            with loading("aligner's encoder", model, revision):
                self.model, info = AutoModel.from_pretrained(
                    model, config=config, revision=revision, dtype=dtype, output_loading_info=True
                )
        finally:
            transformers.logging.set_verbosity(verbosity)
        missing = [key for key in info["missing_keys"] if not key.startswith("pooler.")]
        if missing:
            warnings.warn(f"{model}: weights not in the checkpoint, left random: {sorted(missing)[:5]}", stacklevel=2)
        self.model.eval().to(device)
        self.device = torch.device(device)
        self.layer = layer
        self.batch_size = batch_size
        self.max_length = max_length or model_window(config, self.tokenizer)
        pad = self.tokenizer.pad_token_id
        self.pad_id = pad if pad is not None else 0

    def encode(self, sentences: Sequence[Sequence[str]]) -> list[EncodedSentence | None]:
        """Vectors of each sentence's subwords (None for a sentence with no subwords)."""
        return self.encode_layers(sentences, (self.layer,))[0]

    def encode_layers(
        self, sentences: Sequence[Sequence[str]], layers: Sequence[int]
    ) -> list[list[EncodedSentence | None]]:
        """:meth:`encode` for several layers (each at most the loaded ``layer``) from one forward
        pass per batch: comparing layers costs one encoding, not one per layer."""
        for layer in layers:
            if not 0 <= layer <= self.layer:
                raise ValueError(f"layer {layer} is not loaded (layers 0..{self.layer} are)")
        windows, words = self._windows(sentences)
        parts: list[list[tuple[int, torch.Tensor]]] = [[] for _ in words]
        with torch.inference_mode():
            for batch in length_batches(windows, self.batch_size):
                hidden = self._forward([w.ids for w in batch], layers)
                for row, window in enumerate(batch):
                    lo, hi = window.supplies
                    begin = window.offset + lo - window.start
                    parts[window.sentence].append((lo, hidden[:, row, begin:begin + hi - lo]))
        out: list[list[EncodedSentence | None]] = [[] for _ in layers]
        for sentence_parts, sentence_words in zip(parts, words):
            if not sentence_words:
                for per_layer in out:
                    per_layer.append(None)
                continue
            ordered = [v for _, v in sorted(sentence_parts, key=lambda part: part[0])]
            vectors = ordered[0] if len(ordered) == 1 else torch.cat(ordered, dim=1)
            for k, per_layer in enumerate(out):
                per_layer.append(EncodedSentence(vectors[k], sentence_words))
        return out

    def _windows(self, sentences: Sequence[Sequence[str]]) -> tuple[list[_Window], list[list[int]]]:
        """Tokenise all sentences in one call; cut each into model windows; record subword→word maps."""
        words: list[list[int]] = [[] for _ in sentences]
        windows: list[_Window] = []
        nonempty = [k for k, s in enumerate(sentences) if len(s) > 0]
        if not nonempty:
            return windows, words
        encoding = self.tokenizer(
            [list(sentences[k]) for k in nonempty], is_split_into_words=True, add_special_tokens=True
        )
        for row, k in enumerate(nonempty):
            ids = encoding["input_ids"][row]
            word_ids = encoding.word_ids(row)
            content = [p for p, w in enumerate(word_ids) if w is not None]
            if not content:
                continue
            first, last = content[0], content[-1]
            prefix, body, suffix = ids[:first], ids[first:last + 1], ids[last + 1:]
            words[k] = list(word_ids[first:last + 1])
            width = self.max_length - len(prefix) - len(suffix)
            if width < 1:
                raise ValueError(f"max_length {self.max_length} leaves no room beside the special tokens")
            if len(body) <= width:
                windows.append(_Window(k, ids, len(prefix), (0, len(body)), 0))
                continue
            starts = window_starts(len(body), width)
            owners = window_owners(len(body), width, starts)
            for index, start in enumerate(starts):
                owned = [p for p in range(start, min(start + width, len(body))) if owners[p] == index]
                if owned:
                    window_ids = prefix + body[start:start + width] + suffix
                    windows.append(_Window(k, window_ids, len(prefix), (owned[0], owned[-1] + 1), start))
        return windows, words

    def _forward(self, sequences: list[list[int]], layers: Sequence[int] | None = None) -> torch.Tensor:
        """Hidden states for right-padded sequences: ``[batch, length, dim]`` of the chosen layer, or
        ``[layers, batch, length, dim]`` of ``layers``."""
        length = max(len(s) for s in sequences)
        ids = torch.tensor([s + [self.pad_id] * (length - len(s)) for s in sequences], dtype=torch.long)
        mask = torch.tensor([[1] * len(s) + [0] * (length - len(s)) for s in sequences], dtype=torch.long)
        outputs = self.model(
            input_ids=ids.to(self.device), attention_mask=mask.to(self.device), output_hidden_states=True
        )
        if layers is None:
            return outputs.hidden_states[self.layer]
        return torch.stack([outputs.hidden_states[layer] for layer in layers])
