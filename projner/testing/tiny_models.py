"""Tiny random-weight models that stand in for NLLB-200, the NER model and the aligner encoder.

Every pipeline loads its models by Hub id or local path through ``from_pretrained``; these folders
have the same layout as the real checkpoints (config, weights, tokenizer files), so tests and
offline users exercise exactly the code the real models go through, in seconds and with no network.
Their outputs are random: they test plumbing, never quality.

``python -m projner.testing.tiny_models OUT_DIR [--text FILE ...]`` writes ``OUT_DIR/translator``
(NLLB-configured M2M100 with a BPE tokenizer that carries all NLLB language codes), ``OUT_DIR/ner``
(XLM-R token classifier with the CoNLL-2003 labels of the real English model, in its id order) and
``OUT_DIR/aligner`` (an 8-layer BERT encoder, so the aligner's default layer 8 exists).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

SAMPLE_TEXT: tuple[str, ...] = (
    "EU rejects German call to boycott British lamb .",
    "Peter Blackburn visited the European Commission in Brussels on Thursday .",
    "Angela Merkel met Emmanuel Macron in Paris , France .",
    "The United Nations said the talks in Geneva would resume in March .",
    "Olúwadámilọ́lá lọ sí ìlú Èkó ní ọjọ́ Ajé .",
    "Rais wa Kenya alizuru Dar es Salaam siku ya Jumatatu .",
    "Shugaban Najeriya ya ziyarci Abuja a ranar Litinin .",
    "Der Präsident besuchte am Montag Berlin und München .",
    "El presidente visitó Madrid y Barcelona el lunes .",
    "Il presidente ha visitato Roma e Milano lunedì .",
    "Ɔkyerɛkyerɛfo no kɔɔ Nkran ɛnnɛ .",
    "東京で会議が開かれた。",
    "北京是中国的首都。",
    "กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทย",
)
"""A few sentences in several scripts, so the tiny tokenizers cover the test languages."""

CONLL_IOB1_LABELS: tuple[str, ...] = (
    "B-LOC", "B-MISC", "B-ORG", "I-LOC", "I-MISC", "I-ORG", "I-PER", "O",
)
"""``id2label`` of ``FacebookAI/xlm-roberta-large-finetuned-conll03-english``: IOB1 tags (no
``B-PER``), an order unlike any dataset's, so label mapping by name is really exercised."""


def _alphabet() -> list[str]:
    """ASCII, Latin-1, Latin Extended, IPA letters used in African orthographies, combining marks
    and Latin Extended Additional (Yoruba, Vietnamese): characters never become ``<unk>``."""
    ranges = [(0x21, 0x7E), (0xC0, 0x24F), (0x250, 0x2AF), (0x300, 0x36F), (0x1E00, 0x1EFF)]
    return [chr(code) for start, end in ranges for code in range(start, end + 1)]


def _corpus(texts: Iterable[str]) -> list[str]:
    corpus = list(SAMPLE_TEXT) + [t for t in texts if t.strip()]
    return corpus


def build_translator(path: Path, texts: Iterable[str] = (), *, vocab_size: int = 2000, seed: int = 0) -> Path:
    """An NLLB-configured M2M100 (1+1 layers, width 32) with a BPE tokenizer trained on ``texts``.

    The tokenizer is an ``NllbTokenizer`` (all NLLB language codes as special tokens), saved so that
    ``AutoTokenizer`` picks it. Random outputs are kept word-like so downstream word splitting and
    alignment get real words: the alphabet is only ASCII plus the corpus's own characters (so most
    pieces are whole words or word starts, not lone letters), weights are drawn wide enough
    (``init_std=0.5``) that the output depends on the input, and the generation config bans
    ``<s>``/``<pad>``/``<unk>`` and immediate repeats.
    """
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import (
        GenerationConfig,
        M2M100Config,
        M2M100ForConditionalGeneration,
        NllbTokenizer,
    )

    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    bpe = Tokenizer(models.BPE(unk_token="<unk>"))
    bpe.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=specials,
        initial_alphabet=[chr(code) for code in range(0x21, 0x7F)], show_progress=False,
    )
    bpe.train_from_iterator(_corpus(texts), trainer)
    model_json = json.loads(bpe.to_str())["model"]
    tokenizer = NllbTokenizer(
        vocab=model_json["vocab"], merges=[tuple(m) for m in model_json["merges"]], model_max_length=1024
    )
    torch.manual_seed(seed)
    config = M2M100Config(
        vocab_size=len(tokenizer), d_model=32, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64,
        max_position_embeddings=1024, pad_token_id=1, bos_token_id=0, eos_token_id=2,
        decoder_start_token_id=2, scale_embedding=True, init_std=0.5,
    )
    model = M2M100ForConditionalGeneration(config)
    # Random weights rarely produce EOS and love special tokens; keep the output word-like (language
    # codes stay allowed: the forced first token is one, and decoding drops them).
    model.generation_config = GenerationConfig(
        bos_token_id=0, eos_token_id=2, pad_token_id=1, decoder_start_token_id=2, max_length=200,
        no_repeat_ngram_size=1, suppress_tokens=tokenizer.convert_tokens_to_ids(["<s>", "<pad>", "<unk>"]),
    )
    path.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(path)
    model.save_pretrained(path)
    return path


def _unigram_vocab(texts: list[str], vocab_size: int) -> list[tuple[str, float]]:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    unigram = Tokenizer(models.Unigram())
    unigram.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    trainer = trainers.UnigramTrainer(
        vocab_size=vocab_size, special_tokens=["<unk>"], unk_token="<unk>",
        initial_alphabet=_alphabet(), show_progress=False,
    )
    unigram.train_from_iterator(texts, trainer)
    pieces = json.loads(unigram.to_str())["model"]["vocab"]
    return [(piece, float(score)) for piece, score in pieces if piece != "<unk>"]


def build_ner(
    path: Path,
    texts: Iterable[str] = (),
    *,
    labels: Sequence[str] = CONLL_IOB1_LABELS,
    max_length: int = 128,
    vocab_size: int = 1200,
    hidden_size: int = 32,
    num_layers: int = 2,
    seed: int = 0,
) -> Path:
    """An XLM-R-configured token classifier (2 layers, width 32 unless asked for more) with a Unigram
    tokenizer.

    ``max_length`` (subword positions, like XLM-R's 512) is small by default so that ordinary test
    sentences exercise the windowing of long inputs; benchmarks ask for a wider, deeper model.
    """
    import torch
    from transformers import (
        XLMRobertaConfig,
        XLMRobertaForTokenClassification,
        XLMRobertaTokenizer,
    )

    pieces = _unigram_vocab(_corpus(texts), vocab_size)
    vocab = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)] + pieces + [("<mask>", 0.0)]
    tokenizer = XLMRobertaTokenizer(vocab=vocab, model_max_length=max_length)
    torch.manual_seed(seed)
    config = XLMRobertaConfig(
        vocab_size=len(tokenizer), hidden_size=hidden_size, num_hidden_layers=num_layers,
        num_attention_heads=max(2, hidden_size // 64), intermediate_size=2 * hidden_size,
        max_position_embeddings=max_length + 2, pad_token_id=1, bos_token_id=0,
        initializer_range=1.0,
        eos_token_id=2, id2label=dict(enumerate(labels)), label2id={l: i for i, l in enumerate(labels)},
    )
    model = XLMRobertaForTokenClassification(config)
    path.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(path)
    model.save_pretrained(path)
    return path


def build_aligner(path: Path, texts: Iterable[str] = (), *, vocab_size: int = 1200, seed: int = 0) -> Path:
    """A cased BERT encoder (8 layers, width 32) with a WordPiece tokenizer, like mBERT in shape."""
    import torch
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers
    from transformers import BertConfig, BertModel, BertTokenizer

    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    wordpiece = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    wordpiece.normalizer = normalizers.BertNormalizer(lowercase=False, strip_accents=False)
    wordpiece.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(
        vocab_size=vocab_size, special_tokens=specials, initial_alphabet=_alphabet(), show_progress=False
    )
    wordpiece.train_from_iterator(_corpus(texts), trainer)
    vocab = json.loads(wordpiece.to_str())["model"]["vocab"]
    tokenizer = BertTokenizer(vocab=vocab, do_lower_case=False, strip_accents=False, model_max_length=512)
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=8, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=512, pad_token_id=tokenizer.pad_token_id,
    )
    model = BertModel(config)
    path.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(path)
    model.save_pretrained(path)
    return path


def build_all(out_dir: str | Path, texts: Iterable[str] = (), *, ner_max_length: int = 128) -> dict[str, Path]:
    """``out_dir/translator``, ``out_dir/ner`` and ``out_dir/aligner``; returns the three paths."""
    out = Path(out_dir)
    texts = list(texts)
    return {
        "translator": build_translator(out / "translator", texts),
        "ner": build_ner(out / "ner", texts, max_length=ner_max_length),
        "aligner": build_aligner(out / "aligner", texts),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m projner.testing.tiny_models",
        description="Write tiny random-weight translator, NER and aligner models for offline runs.",
    )
    parser.add_argument("out_dir", help="folder to write translator/, ner/ and aligner/ into")
    parser.add_argument("--text", action="append", default=[], metavar="FILE",
                        help="extra text (one sentence a line) to train the tokenizers on; repeatable")
    parser.add_argument("--ner-max-length", type=int, default=128,
                        help="subword window of the NER model (default 128)")
    args = parser.parse_args(argv)
    texts: list[str] = []
    for name in args.text:
        with open(name, encoding="utf-8") as handle:
            texts.extend(line.strip() for line in handle)
    for kind, path in build_all(args.out_dir, texts, ner_max_length=args.ner_max_length).items():
        print(f"{kind}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
