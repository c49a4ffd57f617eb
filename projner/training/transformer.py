"""The transformers backend: fine-tune a token-classification model on tagged sentences.

Labels sit on the first subword of each word and every other subword is ignored (-100), the usual
scheme that keeps one prediction per word; labels travel by name (``id2label``/``label2id`` are
built from the training tags, never taken from the checkpoint's head).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from projner.processing.model_loading import loading
from projner.training.data import TaggedSentence

IGNORED = -100
"""The label the loss skips: special tokens and non-first subwords."""


@dataclass(frozen=True)
class TransformerConfig:
    """What the fine-tune depends on: the model and its revision, and the optimisation settings."""

    model: str
    revision: str | None = None
    epochs: float = 3.0
    max_steps: int = -1
    """Positive: stop after this many optimiser steps (overrides ``epochs``)."""
    learning_rate: float = 5e-5
    batch_size: int = 16
    max_length: int = 256
    """Subword tokens per sentence; words beyond it are counted (training) or tagged ``O`` (scoring)."""
    weight_decay: float = 0.01
    seed: int = 42
    logging_steps: int = 50
    """Steps between the training-loss records kept in the scores (``loss_history``)."""

    def as_dict(self) -> dict:
        return asdict(self)


def first_subword_labels(word_ids: Sequence[int | None], word_labels: Sequence[int]) -> list[int]:
    """Each token's label: its word's label on the word's first subword, ``IGNORED`` elsewhere."""
    labels: list[int] = []
    previous: int | None = None
    for word in word_ids:
        labels.append(IGNORED if word is None or word == previous else word_labels[word])
        if word is not None:
            previous = word
    return labels


def load_tokenizer(model: str, revision: str | None = None):
    """A fast tokenizer (word ids are needed), set up for pre-split words."""
    from transformers import AutoTokenizer

    with loading("model to fine-tune", model, revision):
        tokenizer = AutoTokenizer.from_pretrained(model, revision=revision)
    if not tokenizer.is_fast:
        raise ValueError(f"{model}: no fast tokenizer; word-level labels need its word ids")
    if getattr(tokenizer, "add_prefix_space", None) is False:
        tokenizer = AutoTokenizer.from_pretrained(model, revision=revision, add_prefix_space=True)
    return tokenizer


def effective_max_length(tokenizer, requested: int) -> int:
    """``requested``, or less where the model has fewer positions (its tokenizer's ``model_max_length``)."""
    limit = getattr(tokenizer, "model_max_length", None)
    return min(requested, limit) if isinstance(limit, int) and 0 < limit < 1_000_000 else requested


def encode_sentences(tokenizer, sentences: Sequence[TaggedSentence], label2id: dict[str, int], max_length: int):
    """A ``datasets.Dataset`` of ``input_ids``/``attention_mask``/``labels`` and the words cut off."""
    import datasets

    encoded = tokenizer([s.words for s in sentences], is_split_into_words=True, truncation=True,
                        max_length=effective_max_length(tokenizer, max_length))
    rows: dict[str, list] = {"input_ids": [], "attention_mask": [], "labels": []}
    truncated = 0
    for index, sentence in enumerate(sentences):
        word_ids = encoded.word_ids(index)
        seen = {word for word in word_ids if word is not None}
        truncated += len(sentence.words) - len(seen)
        rows["input_ids"].append(encoded["input_ids"][index])
        rows["attention_mask"].append(encoded["attention_mask"][index])
        rows["labels"].append(first_subword_labels(word_ids, [label2id[tag] for tag in sentence.tags]))
    return datasets.Dataset.from_dict(rows), truncated


def train_transformer(
    sentences: Sequence[TaggedSentence], labels: Sequence[str], output_dir: str | os.PathLike,
    config: TransformerConfig,
):
    """Fine-tune ``config.model`` on the sentences; the model and tokenizer are saved to ``output_dir``.

    Returns the trained model, its tokenizer, the number of training words lost to truncation, and
    the training loss every ``logging_steps`` steps (``[(step, loss), ...]``).
    """
    import torch
    from transformers import (
        AutoModelForTokenClassification,
        DataCollatorForTokenClassification,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    set_seed(config.seed)
    tokenizer = load_tokenizer(config.model, config.revision)
    label2id = {label: index for index, label in enumerate(labels)}
    with loading("model to fine-tune", config.model, config.revision):
        model = AutoModelForTokenClassification.from_pretrained(
            config.model,
            revision=config.revision,
            id2label=dict(enumerate(labels)),
            label2id=label2id,
            ignore_mismatched_sizes=True,
        )
    train_set, truncated = encode_sentences(tokenizer, sentences, label2id, config.max_length)
    arguments = TrainingArguments(
        output_dir=os.fspath(output_dir),
        num_train_epochs=config.epochs,
        max_steps=config.max_steps,
        learning_rate=config.learning_rate,
        per_device_train_batch_size=config.batch_size,
        weight_decay=config.weight_decay,
        seed=config.seed,
        save_strategy="no",
        report_to="none",
        dataloader_pin_memory=torch.cuda.is_available(),
        logging_steps=config.logging_steps,
    )
    trainer = Trainer(
        model=model,
        args=arguments,
        train_dataset=train_set,
        data_collator=DataCollatorForTokenClassification(tokenizer),
        processing_class=tokenizer,
    )
    trainer.train()
    trainer.save_model(os.fspath(output_dir))
    tokenizer.save_pretrained(os.fspath(output_dir))
    losses = [(row["step"], row["loss"]) for row in trainer.state.log_history if "loss" in row]
    return trainer.model, tokenizer, truncated, losses


def predict_tags(
    model, tokenizer, sentences: Sequence[Sequence[str]], *, max_length: int = 256, batch_size: int = 32
) -> tuple[list[list[str]], int]:
    """Each word's tag from its first subword's best label; words past ``max_length`` get ``O``.

    Returns the tags and how many words were past the limit (reported, so a score never hides them).
    """
    import torch

    model.eval()
    id2label = model.config.id2label
    device = next(model.parameters()).device
    tags: list[list[str]] = []
    truncated = 0
    for start in range(0, len(sentences), batch_size):
        batch = [list(words) for words in sentences[start:start + batch_size]]
        encoded = tokenizer(batch, is_split_into_words=True, truncation=True, padding=True,
                            max_length=effective_max_length(tokenizer, max_length), return_tensors="pt")
        with torch.no_grad():
            logits = model(**{k: v.to(device) for k, v in encoded.items()}).logits
        best = logits.argmax(-1).tolist()
        for row, words in enumerate(batch):
            sentence_tags = ["O"] * len(words)
            seen: set[int] = set()
            for position, word in enumerate(encoded.word_ids(row)):
                if word is not None and word not in seen:
                    seen.add(word)
                    sentence_tags[word] = id2label[best[row][position]]
            truncated += len(words) - len(seen)
            tags.append(sentence_tags)
    return tags, truncated
