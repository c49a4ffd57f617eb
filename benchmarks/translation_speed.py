"""Translation throughput of projner's NLLB stage, backend against backend: generated tokens/s and
peak memory of ``transformers`` and CTranslate2 (float32 and int8) in one run, on the same model,
sentences, batch size and device.

    python benchmarks/translation_speed.py                        # CPU, random NLLB-200-600M-shaped model
    python benchmarks/translation_speed.py --random-model tiny --sentences 256   # seconds; plumbing only
    python benchmarks/translation_speed.py --model facebook/nllb-200-distilled-600M --device cuda \
        --variants transformers:bfloat16 ctranslate2:float16 ctranslate2:int8_float16 --batch-size 64
    python benchmarks/translation_speed.py --variants transformers:float32 transformers:float32:unsorted

A variant is ``BACKEND:PRECISION`` (a dtype for transformers, a compute type for CTranslate2), with
``:unsorted`` for batches in input order instead of sorted by length. Each variant runs in a fresh
process, so its peak memory (resident set, model and runtime included; host memory, also on a GPU)
is its own, and its CPU time is counted beside the wall time (on a machine others share, tokens per
CPU second are the steadier figure, best with ``--threads 1``); CTranslate2's
conversion is done beforehand, outside the timing and the memory figure. The model is loaded and
warmed up on two sentences before timing.

Sentences are CoNLL-2003 English test sentences (``../shared/data``), detokenised as the pipelines
do, in file order (so lengths vary as in real use); without the data, the fixture sentences are
repeated. Without ``--model`` a random model is built on the spot: ``nllb-600m`` (default) and
``nllb-3.3b`` have the real models' shapes (layers, widths, the 256k vocabulary) with random
weights, for speed on a machine that cannot download the real ones; ``tiny`` says nothing about
NLLB-200's speed. A random model's generation config is NLLB-200's with the end token suppressed,
for both backends: every translation runs to ``--max-new-tokens``, so the variants generate the
same number of tokens and the comparison is per generated token (the script checks the counts).
It also counts the translations identical to the first variant's (random weights make near-ties,
so this is only a rough figure there; the test suite checks float32 equality on the tiny model).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
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
DEFAULT_VARIANTS = ("transformers:float32", "ctranslate2:float32", "ctranslate2:int8")


def random_model(folder: Path, shape: str, texts: list[str]) -> str:
    """A random NLLB-configured model in ``folder`` (tiny tokenizer; the real vocabulary size), whose
    generation config is NLLB-200's with the end token suppressed."""
    import torch
    from transformers import (
        GenerationConfig,
        M2M100Config,
        M2M100ForConditionalGeneration,
    )

    from projner.testing.tiny_models import build_translator

    build_translator(folder, texts)
    model = M2M100ForConditionalGeneration.from_pretrained(folder)
    dims = RANDOM_SHAPES[shape]
    if dims is not None:
        config = M2M100Config.from_pretrained(folder)
        config.update({
            "vocab_size": 256206, "d_model": dims["d_model"], "encoder_layers": dims["layers"],
            "decoder_layers": dims["layers"], "encoder_ffn_dim": dims["ffn"], "decoder_ffn_dim": dims["ffn"],
            "encoder_attention_heads": dims["heads"], "decoder_attention_heads": dims["heads"], "init_std": 0.02,
        })
        model = M2M100ForConditionalGeneration(config).to(torch.bfloat16)
    model.generation_config = GenerationConfig(bos_token_id=0, decoder_start_token_id=2, eos_token_id=2,
                                               pad_token_id=1, max_length=200, suppress_tokens=[2])
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


def stage_config(variant: str, settings: dict) -> object:
    from projner.processing.stages.translation import TranslateConfig

    backend, precision, *order = variant.split(":")
    precision_field = "dtype" if backend == "transformers" else "compute_type"
    return TranslateConfig(source_lang="en", backend=backend, sort_by_length=order != ["unsorted"],
                           **{precision_field: precision}, **settings)


def prepare(variant: str, settings: dict) -> None:
    """CTranslate2's conversion of the model for ``variant``, before anything is timed."""
    from projner.processing.stages.translation import Translate

    config = stage_config(variant, settings)
    if config.backend == "ctranslate2":
        Translate(config).ctranslate2_folder()


def run_variant(variant: str, settings: dict, texts: list[str], threads: int | None) -> dict:
    """One variant in this (fresh) process: warm up, time, and report its figures and outputs."""
    import torch

    from projner.processing.stages.translation import Translate

    if threads:
        torch.set_num_threads(threads)
    stage = Translate(stage_config(variant, settings))
    stage.translate(texts[:2])  # load and warm up, not timed
    cuda = stage._device.type == "cuda"
    if cuda:
        torch.cuda.synchronize()
    started, cpu_started = time.perf_counter(), time.process_time()
    translated = stage.translate(texts)
    if cuda:
        torch.cuda.synchronize()
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    tokens = sum(t.generated_tokens for t in translated)
    return {
        "seconds": round(seconds, 3), "sentences_per_s": round(len(texts) / seconds, 2),
        "generated_tokens_per_s": round(tokens / seconds, 1), "generated_tokens": tokens,
        "cpu_seconds": round(cpu_seconds, 3), "generated_tokens_per_cpu_s": round(tokens / cpu_seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "threads": torch.get_num_threads(), "translations": [t.text for t in translated],
    }


def in_fresh_process(function, *args):
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="NLLB model id or folder (default: a random model built now)")
    parser.add_argument("--random-model", default="nllb-600m", choices=sorted(RANDOM_SHAPES),
                        help="shape of the random model built without --model (default nllb-600m)")
    parser.add_argument("--tokenizer", help="tokenizer id or folder, if the model has none")
    parser.add_argument("--variants", nargs="+", default=list(DEFAULT_VARIANTS), metavar="BACKEND:PRECISION",
                        help=f"what to compare, the first being the reference (default {' '.join(DEFAULT_VARIANTS)})")
    parser.add_argument("--device", default="cpu", help="cpu, cuda, cuda:1 (default: cpu)")
    parser.add_argument("--data", type=Path, help=f"CoNLL file to take sentences from (default: {DEFAULT_DATA})")
    parser.add_argument("--sentences", type=int, default=16)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--num-beams", type=int, default=1,
                        help="beam size (default 1: greedy, to fit a few minutes on 2 CPU cores; the pipelines use 4)")
    parser.add_argument("--max-new-tokens", type=int, default=16)
    parser.add_argument("--target-lang", default="de", help="language code to translate English into")
    parser.add_argument("--threads", type=int, help="CPU threads of both backends (default: torch's choice)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    data = args.data or (DEFAULT_DATA if DEFAULT_DATA.exists() else FIXTURE)
    texts = sentences(data, args.sentences)
    with tempfile.TemporaryDirectory() as tmp:
        model = args.model or in_fresh_process(random_model, Path(tmp) / "translator", args.random_model, texts)
        settings = {"target_lang": args.target_lang, "model": model, "tokenizer": args.tokenizer,
                    "num_beams": args.num_beams, "max_new_tokens": args.max_new_tokens, "batch_size": args.batch_size,
                    "device": args.device, "converted_dir": str(Path(tmp) / "ctranslate2")}
        results: dict[str, dict] = {}
        for variant in args.variants:
            in_fresh_process(prepare, variant, settings)
            results[variant] = in_fresh_process(run_variant, variant, settings, texts, args.threads)
    reference = results[args.variants[0]]
    for result in results.values():
        result["speedup"] = round(result["generated_tokens_per_s"] / reference["generated_tokens_per_s"], 2)
        result["cpu_speedup"] = round(result["generated_tokens_per_cpu_s"] / reference["generated_tokens_per_cpu_s"], 2)
        result["identical_to_reference"] = sum(a == b for a, b in zip(result["translations"], reference["translations"]))
    for result in results.values():
        del result["translations"]
    figures = {
        "model": args.model or f"random NLLB-configured M2M100, shape {args.random_model}",
        "device": args.device, "data": str(data), "sentences": len(texts), "batch_size": args.batch_size,
        "num_beams": args.num_beams, "max_new_tokens": args.max_new_tokens, "variants": results,
    }
    print(f"{'variant':<30} {'seconds':>8} {'tokens/s':>9} {'speedup':>8} {'CPU s':>8} {'tok/CPU s':>9} "
          f"{'speedup':>8} {'peak MB':>8} {'identical':>9}")
    for variant, r in results.items():
        print(f"{variant:<30} {r['seconds']:>8.2f} {r['generated_tokens_per_s']:>9.1f} {r['speedup']:>7}x "
              f"{r['cpu_seconds']:>8.2f} {r['generated_tokens_per_cpu_s']:>9.1f} {r['cpu_speedup']:>7}x "
              f"{r['peak_rss_mb']:>8} {r['identical_to_reference']:>5}/{len(texts)}")
    counts = {r["generated_tokens"] for r in results.values()}
    print(f"generated tokens: {'the same for every variant' if len(counts) == 1 else 'DIFFER'} "
          f"({', '.join(str(r['generated_tokens']) for r in results.values())}); "
          f"speedup is per generated token, against {args.variants[0]}; {results[args.variants[0]]['threads']} threads")
    print(json.dumps(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
