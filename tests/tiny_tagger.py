"""A tiny randomly initialised BERT token classifier with a WordPiece tokenizer trained offline.

Small enough to fine-tune for a few dozen steps in seconds on a CPU, with an ordinary initialisation
so that those steps visibly learn; it stands in for a real checkpoint loaded by path.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def build_tiny_tagger(path: Path, texts: Iterable[str], *, seed: int = 0) -> Path:
    """Write config, weights and tokenizer of a 1-layer, width-32 BERT tagger to ``path``."""
    import torch
    from tokenizers import (
        Tokenizer,
        models,
        normalizers,
        pre_tokenizers,
        processors,
        trainers,
    )
    from transformers import (
        BertConfig,
        BertForTokenClassification,
        PreTrainedTokenizerFast,
    )

    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    wordpiece = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    wordpiece.normalizer = normalizers.NFC()
    wordpiece.pre_tokenizer = pre_tokenizers.Whitespace()
    wordpiece.train_from_iterator(
        list(texts), trainers.WordPieceTrainer(vocab_size=300, special_tokens=specials, show_progress=False)
    )
    cls, sep = wordpiece.token_to_id("[CLS]"), wordpiece.token_to_id("[SEP]")
    wordpiece.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", cls), ("[SEP]", sep)]
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=wordpiece, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
        sep_token="[SEP]", mask_token="[MASK]", model_max_length=64,
    )
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64)
    path.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(path)
    BertForTokenClassification(config).save_pretrained(path)
    return path
