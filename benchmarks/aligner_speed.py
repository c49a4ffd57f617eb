"""Throughput of projner's neural aligner against SimAlign 0.4: same model, layer, method and device,
in the same run, with every pair's links compared.

    python benchmarks/aligner_speed.py                                   # CPU, BERT-base, random weights
    python benchmarks/aligner_speed.py --device cuda --dtypes float32,bfloat16 --pairs 1024 --report gpu.json
    python benchmarks/aligner_speed.py --aer-model bert-base-multilingual-cased   # + AER where cached

The encoder is BERT-base (``BertConfig()`` defaults: 12 layers, width 768) with random weights and a
WordPiece tokenizer trained on the spot on the benchmark sentences; alignment speed does not depend
on the weights, so this measures what mBERT would cost. ``--model`` takes any other encoder. Pairs
are the en-fr gold-alignment sentences (``../shared/data/word-alignment-gold``, real lengths), in
file order; without them, generated sentences. SimAlign aligns pair by pair whatever the batch size,
so it is timed once per method; projner at each batch size. Models are loaded and warmed up before
timing. ``identical`` counts pairs whose links equal SimAlign's (float32 is exact; half precision is
reported as agreement). Peak memory: the process's largest RSS during the timed run on CPU, or
``torch.cuda.max_memory_allocated`` on GPU; either way only that aligner's model is resident (the
previous one is freed first), but on CPU the figure includes Python, torch and the tokenizer.

``--aer-model`` additionally scores a real encoder (when its weights are a local folder or in the
local Hub cache) on the en-fr and ro-en gold sets; without the weights that part is skipped, saying so.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import platform
import random
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = ROOT.parent / "shared" / "data" / "word-alignment-gold"
SIMALIGN_METHOD = {"argmax": ("a", "inter"), "itermax": ("i", "itermax"), "match": ("m", "mwmf")}

Pair = tuple[list[str], list[str]]


def load_pairs(path: Path, count: int) -> tuple[list[Pair], str]:
    """The first ``count`` pairs of a ``src ||| tgt`` file (cycled if short), or generated ones."""
    if path.is_file():
        from projner.processing.align.pairs import read_pairs

        sources, targets = read_pairs(path)
        pairs = [(s, t) for s, t in zip(sources, targets) if s and t]
        return [pairs[k % len(pairs)] for k in range(count)], str(path)
    from projner.testing.tiny_models import SAMPLE_TEXT

    rng = random.Random(0)
    words = [w for s in SAMPLE_TEXT for w in s.split()]
    made = [([rng.choice(words) for _ in range(rng.randint(5, 30))],
             [rng.choice(words) for _ in range(rng.randint(5, 30))]) for _ in range(count)]
    return made, "generated from projner.testing.tiny_models.SAMPLE_TEXT"


def build_bert_base(folder: Path, texts: Sequence[str]) -> Path:
    """A BERT-base encoder (``BertConfig()`` defaults) with random weights and a WordPiece tokenizer."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertModel

    from projner.testing.tiny_models import build_aligner

    build_aligner(folder, texts, vocab_size=8000)  # its tokenizer; the tiny model is replaced below
    tokenizer = AutoTokenizer.from_pretrained(folder)
    torch.manual_seed(0)
    config = BertConfig(vocab_size=max(len(tokenizer), BertConfig().vocab_size))
    BertModel(config).save_pretrained(folder)
    return folder


class PeakMemory:
    """Peak process RSS (CPU, sampled every 5 ms) or peak CUDA allocation during a ``with`` block."""

    def __init__(self, device: str) -> None:
        self.cuda = device.startswith("cuda")
        self.peak_mb = 0.0

    @staticmethod
    def _rss_mb() -> float:
        try:
            with open("/proc/self/statm") as handle:
                return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        except OSError:
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def __enter__(self) -> Self:
        if self.cuda:
            import torch

            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
        else:
            self._top = self._rss_mb()
            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self._top = max(self._top, self._rss_mb())

    def __exit__(self, *exc: object) -> None:
        if self.cuda:
            import torch

            torch.cuda.synchronize()
            self.peak_mb = torch.cuda.max_memory_allocated() / 2**20
        else:
            self._stop.set()
            self._thread.join()
            self.peak_mb = max(self._top, self._rss_mb())


def timed(run: Callable[[], list], device: str) -> tuple[list, float, float]:
    """Result, seconds and peak memory (MiB) of ``run()``."""
    with PeakMemory(device) as memory:
        start = time.perf_counter()
        result = run()
        if device.startswith("cuda"):
            import torch

            torch.cuda.synchronize()
        seconds = time.perf_counter() - start
    return result, seconds, memory.peak_mb


def free_memory(device: str) -> None:
    gc.collect()
    if device.startswith("cuda"):
        import torch

        torch.cuda.empty_cache()


def simalign_links(model: str, token_type: str, method: str, device: str, layer: int, pairs: list[Pair]):
    """SimAlign's links for every pair, seconds and peak memory (model loaded and warmed up first)."""
    from simalign import SentenceAligner

    logging.getLogger("simalign.simalign").setLevel(logging.WARNING)  # it logs every model load at INFO
    letter, key = SIMALIGN_METHOD[method]
    aligner = SentenceAligner(model=model, token_type=token_type, matching_methods=letter, device=device, layer=layer)
    aligner.get_word_aligns(*pairs[0])
    links, seconds, peak = timed(lambda: [sorted(aligner.get_word_aligns(s, t)[key]) for s, t in pairs], device)
    aligner.embed_loader.emb_model = None  # free its model before the next aligner loads one
    free_memory(device)
    return [[tuple(link) for link in pair] for pair in links], seconds, peak


def projner_links(model: str, token_type: str, method: str, device: str, layer: int, pairs: list[Pair],
                  batch_size: int, dtype: str):
    from projner.processing.align.neural import NeuralAligner

    aligner = NeuralAligner(model=model, layer=layer, method=method, token_type=token_type, device=device,
                            batch_size=batch_size, dtype=dtype)
    aligner.align([pairs[0][0]], [pairs[0][1]])  # load and warm up
    sources, targets = [p[0] for p in pairs], [p[1] for p in pairs]
    links, seconds, peak = timed(lambda: aligner.align(sources, targets), device)
    aligner._encoder = None  # free its model before the next aligner loads one
    free_memory(device)
    return links, seconds, peak


def aer_check(model: str, device: str, layer: int, dtype: str) -> list[dict] | str:
    """AER of a real encoder on the gold sets, or why it was skipped."""
    if not Path(model).is_dir():
        try:
            from huggingface_hub import try_to_load_from_cache

            cached = try_to_load_from_cache(model, "config.json")
        except Exception as err:  # noqa: BLE001 - a cache lookup failing means: not available
            cached = None
            print(f"cache lookup failed: {err}", file=sys.stderr)
        if not isinstance(cached, str):
            return f"skipped: {model} is neither a local folder nor in the local Hub cache"
    if not GOLD_DIR.is_dir():
        return f"skipped: gold alignments not found at {GOLD_DIR}"
    from projner.processing.align.aer import alignment_error_rate, read_links
    from projner.processing.align.neural import NeuralAligner
    from projner.processing.align.pairs import read_pairs

    rows = []
    for name in ("enfr", "roen"):
        sources, targets = read_pairs(GOLD_DIR / f"{name}.src-tgt")
        gold, _ = read_links(GOLD_DIR / f"{name}.gold", one_indexed=True)
        for token_type in ("bpe", "word"):
            for method in ("argmax", "itermax", "match", "softmax"):
                aligner = NeuralAligner(model=model, layer=layer, method=method, token_type=token_type,
                                        device=device, dtype=dtype)
                scores = alignment_error_rate(gold, aligner.align(sources, targets))
                rows.append({"gold": name, "token_type": token_type, "method": method,
                             "precision": scores.precision, "recall": scores.recall, "aer": scores.aer})
                print(f"  AER {name} {token_type:4} {method:8} P {scores.precision:.3f} "
                      f"R {scores.recall:.3f} AER {scores.aer:.3f}", flush=True)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")
    parser.add_argument("--model", help="encoder id or folder (default: BERT-base with random weights)")
    parser.add_argument("--layer", type=int, default=8)
    parser.add_argument("--token-type", default="bpe", choices=("bpe", "word"))
    parser.add_argument("--methods", default="argmax,itermax,match")
    parser.add_argument("--batch-sizes", default="1,8,32,128")
    parser.add_argument("--dtypes", default="float32",
                        help="projner precisions to time, comma-separated (SimAlign runs in float32)")
    parser.add_argument("--pairs", type=int, default=128, help="sentence pairs per timed run (default 128)")
    parser.add_argument("--pairs-file", type=Path, default=GOLD_DIR / "enfr.src-tgt")
    parser.add_argument("--threads", type=int, help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--aer-model", help="also score this real encoder's AER on the gold sets, if available")
    parser.add_argument("--report", type=Path, help="write the figures as JSON here")
    args = parser.parse_args(argv)

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    pairs, source = load_pairs(args.pairs_file, args.pairs)
    methods = [m for m in args.methods.split(",") if m]
    batch_sizes = [int(b) for b in args.batch_sizes.split(",") if b]
    dtypes = [d for d in args.dtypes.split(",") if d]
    with tempfile.TemporaryDirectory() as scratch:
        model = args.model or str(build_bert_base(Path(scratch) / "bert-base-random",
                                                  [" ".join(w) for p in pairs for w in p]))
        conditions = {
            "device": torch.cuda.get_device_name(0) if args.device.startswith("cuda") else platform.processor()
            or platform.machine(),
            "cpu_count": os.cpu_count(), "torch_threads": torch.get_num_threads(),
            "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
            "torch": torch.__version__, "model": args.model or "BERT-base (BertConfig defaults), random weights",
            "layer": args.layer, "token_type": args.token_type, "pairs": len(pairs), "pairs_source": source,
            "mean_words": sum(len(s) + len(t) for s, t in pairs) / (2 * len(pairs)),
        }
        print(json.dumps(conditions, indent=1), flush=True)
        rows: list[dict] = []
        header = f"{'method':8} {'aligner':9} {'dtype':8} {'batch':>5} {'pairs/s':>9} {'ratio':>7} " \
                 f"{'identical':>10} {'peak MiB':>9}"
        print(header, flush=True)
        for method in methods:
            reference, seconds, peak = simalign_links(model, args.token_type, method, args.device, args.layer, pairs)
            base = len(pairs) / seconds
            rows.append({"method": method, "aligner": "simalign", "dtype": "float32", "batch_size": 1,
                         "pairs_per_s": base, "ratio": 1.0, "identical": len(pairs), "peak_mib": peak})
            print(f"{method:8} {'simalign':9} {'float32':8} {'-':>5} {base:9.2f} {1.0:7.2f} "
                  f"{len(pairs):>5}/{len(pairs):<4} {peak:9.0f}", flush=True)
            for dtype in dtypes:
                for batch_size in batch_sizes:
                    links, seconds, peak = projner_links(model, args.token_type, method, args.device, args.layer,
                                                         pairs, batch_size, dtype)
                    speed = len(pairs) / seconds
                    same = sum(a == b for a, b in zip(links, reference))
                    rows.append({"method": method, "aligner": "projner", "dtype": dtype, "batch_size": batch_size,
                                 "pairs_per_s": speed, "ratio": speed / base, "identical": same, "peak_mib": peak})
                    print(f"{method:8} {'projner':9} {dtype:8} {batch_size:5d} {speed:9.2f} {speed / base:7.2f} "
                          f"{same:>5}/{len(pairs):<4} {peak:9.0f}", flush=True)
    report: dict = {"conditions": conditions, "rows": rows}
    if args.aer_model:
        print(f"AER of {args.aer_model} (layer {args.layer}):", flush=True)
        report["aer"] = aer_check(args.aer_model, args.device, args.layer, dtypes[0])
        if isinstance(report["aer"], str):
            print(f"  {report['aer']}")
    if args.report:
        args.report.write_text(json.dumps(report, indent=1), encoding="utf-8")
        print(f"wrote {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
