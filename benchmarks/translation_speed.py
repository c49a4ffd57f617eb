"""Translation throughput of projner's NLLB stage: sentences/s and generated tokens/s, with batches
sorted by length against batches in input order, in the same run on the same model and device.

    python benchmarks/translation_speed.py                       # CPU, tiny random NLLB-shaped model
    python benchmarks/translation_speed.py --model facebook/nllb-200-distilled-600M --device cuda \
        --sentences 2000 --batch-size 64
    python benchmarks/translation_speed.py --random-model nllb-600m --device cuda   # no download needed

Sentences are CoNLL-2003 English test sentences (``../shared/data``), detokenised as the pipelines
do, in file order (so lengths vary as in real use); without the data, the fixture sentences are
repeated. Without ``--model`` a random model is built on the spot: ``--random-model tiny`` (default,
seconds) says nothing about NLLB-200's speed, only about projner's overhead and the effect of
sorting; ``nllb-600m``/``nllb-3.3b`` have the real models' shapes (layers, widths, the 256k
vocabulary) with random weights, for speed on a machine that cannot download the real ones. Random
weights never emit the end token, so every translation runs to ``--max-new-tokens``: sorting then
only saves encoder padding, and real models gain more from it. The model is loaded and warmed up
before timing. Both orders must give the same translations; the script counts
the ones that differ (beam search on padded batches can differ in the last float bits).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "conll2003-en" / "en.conll.test.tsv"
FIXTURE = ROOT / "tests" / "fixtures" / "conll2003" / "en.conll.train.tsv"
RANDOM_SHAPES: dict[str, dict[str, int] | None] = {
    "tiny": None,
    "nllb-600m": {"d_model": 1024, "layers": 12, "ffn": 4096, "heads": 16},
    "nllb-3.3b": {"d_model": 2048, "layers": 24, "ffn": 8192, "heads": 16},
}
"""M2M100 shapes of facebook/nllb-200-distilled-600M and facebook/nllb-200-3.3B (vocabulary 256,206)."""


def random_model(folder: Path, shape: str, texts: list[str]) -> str:
    """A random NLLB-configured model in ``folder`` (tiny tokenizer; the real vocabulary size)."""
    from projner.testing.tiny_models import build_translator

    build_translator(folder, texts)
    dims = RANDOM_SHAPES[shape]
    if dims is not None:
        import torch
        from transformers import M2M100Config, M2M100ForConditionalGeneration

        config = M2M100Config.from_pretrained(folder)
        config.update({
            "vocab_size": 256206, "d_model": dims["d_model"], "encoder_layers": dims["layers"],
            "decoder_layers": dims["layers"], "encoder_ffn_dim": dims["ffn"], "decoder_ffn_dim": dims["ffn"],
            "encoder_attention_heads": dims["heads"], "decoder_attention_heads": dims["heads"], "init_std": 0.02,
        })
        model = M2M100ForConditionalGeneration(config).to(torch.bfloat16)
        model.generation_config = M2M100ForConditionalGeneration.from_pretrained(folder).generation_config
        model.save_pretrained(folder)
    return str(folder)


def sentences(path: Path, count: int) -> list[str]:
    from projner.builders.conll import read_conll
    from projner.languages import get_language
    from projner.processing.text import detokenize

    english = get_language("en")
    texts = [detokenize(s.tokens, english)[0] for s in read_conll(path)]
    if not texts:
        raise SystemExit(f"{path}: no sentences")
    return [texts[i % len(texts)] for i in range(count)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="NLLB model id or folder (default: a random model built now)")
    parser.add_argument("--random-model", default="tiny", choices=sorted(RANDOM_SHAPES),
                        help="shape of the random model built without --model (default tiny)")
    parser.add_argument("--tokenizer", help="tokenizer id or folder, if the model has none")
    parser.add_argument("--device", default="cpu", help="cpu, cuda, cuda:1 (default: cpu)")
    parser.add_argument("--dtype", default="auto", help="auto (bf16/fp16 on GPU), float32, bfloat16, float16")
    parser.add_argument("--data", type=Path, help=f"CoNLL file to take sentences from (default: {DEFAULT_DATA})")
    parser.add_argument("--sentences", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--num-beams", type=int, default=4)
    parser.add_argument("--max-new-tokens", type=int, default=64)
    parser.add_argument("--target-lang", default="de", help="language code to translate English into")
    parser.add_argument("--threads", type=int, help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    import torch

    from projner.processing.stages.translation import Translate, TranslateConfig

    if args.threads:
        torch.set_num_threads(args.threads)
    data = args.data or (DEFAULT_DATA if DEFAULT_DATA.exists() else FIXTURE)
    texts = sentences(data, args.sentences)
    with tempfile.TemporaryDirectory() as tmp:
        model = args.model or random_model(Path(tmp) / "translator", args.random_model, texts)
        results: dict[str, dict] = {}
        outputs: dict[str, list[str]] = {}
        for name, sort in (("sorted", True), ("unsorted", False)):
            stage = Translate(TranslateConfig(
                source_lang="en", target_lang=args.target_lang, model=model, tokenizer=args.tokenizer,
                num_beams=args.num_beams, max_new_tokens=args.max_new_tokens, dtype=args.dtype,
                batch_size=args.batch_size, sort_by_length=sort, device=args.device,
            ))
            stage.translate(texts[: args.batch_size])  # load and warm up, not timed
            if stage._device.type == "cuda":
                torch.cuda.synchronize()
            started = time.perf_counter()
            translated = stage.translate(texts)
            if stage._device.type == "cuda":
                torch.cuda.synchronize()
            seconds = time.perf_counter() - started
            tokens = sum(t.generated_tokens for t in translated)
            outputs[name] = [t.text for t in translated]
            results[name] = {
                "seconds": round(seconds, 3),
                "sentences_per_s": round(len(texts) / seconds, 2),
                "generated_tokens_per_s": round(tokens / seconds, 1),
                "generated_tokens": tokens,
            }
            del stage
    differing = sum(a != b for a, b in zip(outputs["sorted"], outputs["unsorted"]))
    figures = {
        "model": args.model or f"random NLLB-configured M2M100, shape {args.random_model}",
        "device": args.device, "dtype": args.dtype, "data": str(data), "sentences": len(texts),
        "batch_size": args.batch_size, "num_beams": args.num_beams, "max_new_tokens": args.max_new_tokens,
        "torch_threads": torch.get_num_threads(), **results,
        "speedup_sorted_over_unsorted": round(results["unsorted"]["seconds"] / results["sorted"]["seconds"], 2),
        "translations_differing_between_orders": differing,
    }
    print(f"{'batching':<10} {'seconds':>9} {'sent/s':>9} {'tokens/s':>10}")
    for name in ("sorted", "unsorted"):
        r = results[name]
        print(f"{name:<10} {r['seconds']:>9.2f} {r['sentences_per_s']:>9.2f} {r['generated_tokens_per_s']:>10.1f}")
    print(f"sorted/unsorted speedup: {figures['speedup_sorted_over_unsorted']}x; "
          f"translations differing between the two orders: {differing}/{len(texts)}")
    print(json.dumps(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
