"""Throughput of the ray engine on one CPU-heavy model stage with 1 and 2 actors, side by side in one
run, and Ray's cost per batch.

    python benchmarks/ray_scaling.py                       # 2 CPUs, about 1-2 minutes
    python benchmarks/ray_scaling.py --batches 200 --report ray-scaling.json

The stage is projner's own ``Label`` (XLM-R token classification, its windowing and span decoding)
on an XLM-R-shaped model with random weights (width 256, 4 layers unless told otherwise; speed does
not depend on the weights), over CoNLL-2003 English sentences (``../shared/data/conll2003-en``, else
the test fixtures cycled). The batch size is calibrated so that one batch takes ``--batch-ms``
(100 ms) on one thread in this process. Then:

- ``local``: the stage over every batch in this process, one thread: the compute per batch;
- ``ray, N actors``: the same batches through :class:`~projner.processing.engines.ray_data.RayEngine`
  (a local Ray with 2 CPUs, one thread per actor, the cache file written), wall time from the call
  to the loaded result. Each batch also notes when it started and finished in its actor: start-up
  (process, imports, model load, first batch) lasts until every actor has finished its first
  batch, and ``steady`` is the time per batch from then to the last batch's end.

- ``core, N actors``: the same batches (already in the object store) through N plain Ray actors
  holding the same ``StageWorker``, no Ray Data, after one warm-up batch each: what Ray core alone
  costs and how it scales, so that Ray Data's share of the figures above can be told apart.

``overhead/batch`` = steady time per batch with one actor minus the local compute per batch: what
Ray adds to each batch (Arrow in and out, scheduling, the object store). ``speed-up`` is the
2-actor throughput over the 1-actor one, both from wall time and steady. Figures from a machine
that other work shares are noise: the script prints the CPU model and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from projner.processing.engines import RayConfig

ROOT = Path(__file__).resolve().parent.parent
CONLL = ROOT.parent / "shared" / "data" / "conll2003-en" / "en.conll.train.tsv"
FIXTURE = ROOT / "tests" / "fixtures" / "conll2003" / "en.conll.train.tsv"


def read_sentences(path: Path, count: int) -> list[list[str]]:
    """The first ``count`` sentences (word lists) of a CoNLL file, cycled if it has fewer."""
    sentences: list[list[str]] = []
    words: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        word = line.split()[0] if line.strip() else ""
        if word and word != "-DOCSTART-":
            words.append(word)
        elif words:
            sentences.append(words)
            words = []
    return [sentences[k % len(sentences)] for k in range(count)]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def label_stage(model: Path) -> Any:
    from projner.processing.stages.tagging import Label, LabelConfig

    return Label(LabelConfig(model=str(model), words_column="tokens", device="cpu", batch_size=1024))


def calibrate(stage: Any, sentences: list[list[str]], batch_ms: float) -> int:
    """Rows per batch for ``batch_ms`` of compute on one thread (warm model), measured on batches
    taken across ``sentences`` (sentence lengths vary along a corpus)."""
    rows = 16
    stage({"tokens": sentences[:rows]})  # loads the model
    for _ in range(3):
        starts = range(0, len(sentences) - rows, max(1, (len(sentences) - rows) // 8))
        started = time.perf_counter()
        for start in starts:
            stage({"tokens": sentences[start:start + rows]})
        took = (time.perf_counter() - started) * 1000 / len(starts)
        rows = max(1, min(len(sentences) // 2, round(rows * batch_ms / took)))
    return rows


class Clocked:
    """The stage, each batch's rows also holding ``[started, finished, actor pid]`` (wall clock)."""

    def __init__(self, stage: Any) -> None:
        self.stage = stage

    def __call__(self, batch: dict[str, list[Any]]) -> dict[str, list[Any]]:
        started = time.time()
        out = self.stage(batch)
        return {**out, "clock": [[started, time.time(), os.getpid()]] * len(batch["tokens"])}


def time_ray(engine: Any, dataset: Any, stage: Any, rows: int, workdir: Path, name: str) -> dict[str, float]:
    """Wall seconds of the whole run, seconds until every actor had finished its first batch, and
    the steady seconds per batch after that."""
    from projner.processing.engines import Step

    step = Step(name, name, workdir / f"{name}.arrow", uses_model=True, batch_size=rows)
    called = time.time()
    [out] = engine.map(dataset, Clocked(stage), [step])
    wall = time.time() - called
    assert len(out) == len(dataset)
    batches = {tuple(clock) for clock in out["clock"]}
    firsts: dict[float, float] = {}
    for _, finished, pid in batches:
        firsts[pid] = min(firsts.get(pid, finished), finished)
    warm = max(firsts.values())
    last = max(finished for _, finished, _ in batches)
    steady = sum(1 for started, _, _ in batches if started >= warm)
    return {"wall": wall, "startup": warm - called, "steady": (last - warm) / steady}


def time_core(ray: Any, stage: Any, tables: list[Any], actors: int) -> float:
    """Seconds per batch through ``actors`` plain Ray actors (one CPU each) running ``StageWorker``
    on the same Arrow batches, two batches in flight per actor as Ray Data keeps them, warm."""
    from projner.processing.engines.ray_data import StageWorker

    class CoreWorker(StageWorker):
        def rows(self, table: Any) -> int:
            return self(table).num_rows

    pool = [ray.remote(num_cpus=1)(CoreWorker).remote(stage) for _ in range(actors)]
    refs = [ray.put(table) for table in tables]
    ray.get([worker.rows.remote(refs[0]) for worker in pool])  # start-up and model load
    started = time.perf_counter()
    pending: list[Any] = []
    for k, ref in enumerate(refs):
        if len(pending) >= 2 * actors:
            _, pending = ray.wait(pending, num_returns=1)
        pending.append(pool[k % actors].rows.remote(ref))
    ray.get(pending)
    seconds = (time.perf_counter() - started) / len(tables)
    for worker in pool:
        ray.kill(worker)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=120, help="batches per timed run (default 120)")
    parser.add_argument("--batch-ms", type=float, default=100.0, help="compute per batch to calibrate to")
    parser.add_argument("--hidden", type=int, default=256, help="width of the random XLM-R model")
    parser.add_argument("--layers", type=int, default=4, help="layers of the random XLM-R model")
    parser.add_argument("--batches-ahead", type=int, default=RayConfig.batches_ahead,
                        help=f"batches queued on each actor (default {RayConfig.batches_ahead}, projner's)")
    parser.add_argument("--report", help="write the figures here (JSON)")
    args = parser.parse_args(argv)

    import datasets
    import torch

    from projner.processing.engines.datasets_map import DatasetsEngine
    from projner.processing.engines.ray_data import RayEngine, require_ray
    from projner.testing.tiny_models import build_ner

    ray = require_ray()
    datasets.disable_progress_bars()
    torch.set_num_threads(1)
    source = CONLL if CONLL.is_file() else FIXTURE
    pool = read_sentences(source, 4096)
    with tempfile.TemporaryDirectory(prefix="ray-scaling-") as tmp:
        workdir = Path(tmp)
        model = build_ner(workdir / "ner", [" ".join(s) for s in pool[:2000]], max_length=512,
                          hidden_size=args.hidden, num_layers=args.layers)
        stage = label_stage(model)
        rows = calibrate(stage, pool, args.batch_ms)
        sentences = [pool[k % len(pool)] for k in range(rows * args.batches)]
        dataset = datasets.Dataset.from_dict({"tokens": sentences})

        started = time.perf_counter()
        for start in range(0, len(sentences), rows):
            stage({"tokens": sentences[start:start + rows]})
        local = (time.perf_counter() - started) / args.batches

        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        ray.data.DataContext.get_current().enable_progress_bars = False
        results: dict[str, Any] = {}
        for actors in (1, 2):
            engine = RayEngine(RayConfig(workers=actors, gpus_per_worker=0, batches_ahead=args.batches_ahead),
                               cached=DatasetsEngine())
            # unloaded: each actor loads its own copy
            run = time_ray(engine, dataset, label_stage(model), rows, workdir, f"run{actors}")
            results[f"{actors}_actor"] = {
                "wall_s": round(run["wall"], 3), "startup_plus_batch_s": round(run["startup"], 3),
                "rows_per_s": round(len(sentences) / run["wall"], 1),
                "steady_batch_ms": round(1000 * run["steady"], 2),
            }
        tables = [dataset.with_format("arrow")[start:start + rows] for start in range(0, len(dataset), rows)]
        core = {actors: time_core(ray, label_stage(model), tables, actors) for actors in (1, 2)}
        ray.shutdown()

    one, two = results["1_actor"], results["2_actor"]
    figures = {
        "cpu": cpu_model(), "cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
        "source": str(source), "model": {"hidden": args.hidden, "layers": args.layers},
        "batches": args.batches, "rows_per_batch": rows, "batches_ahead": args.batches_ahead, "local_batch_ms": round(1000 * local, 2),
        **results,
        "ray_overhead_per_batch_ms": round(one["steady_batch_ms"] - 1000 * local, 2),
        "speedup_wall": round(one["wall_s"] / two["wall_s"], 3),
        "speedup_steady": round(one["steady_batch_ms"] / two["steady_batch_ms"], 3),
        "core_batch_ms": {f"{n}_actor": round(1000 * seconds, 2) for n, seconds in core.items()},
        "core_speedup": round(core[1] / core[2], 3),
    }
    print(f"CPU: {figures['cpu']} ({figures['cpus']} CPUs), load average {figures['load_average']}")
    print(f"Label stage, XLM-R width {args.hidden} x {args.layers} layers (random), {rows} sentences a batch, "
          f"{args.batches} batches, {args.batches_ahead} queued on each actor")
    print(f"{'':<10}{'wall s':>9}{'rows/s':>9}{'start-up s':>12}{'steady ms/batch':>17}")
    print(f"{'local':<10}{local * args.batches:>9.2f}{len(sentences) / (local * args.batches):>9.1f}"
          f"{'':>12}{1000 * local:>17.1f}")
    for actors in (1, 2):
        r = results[f"{actors}_actor"]
        print(f"{f'{actors} actor' + ('s' if actors > 1 else ''):<10}{r['wall_s']:>9.2f}{r['rows_per_s']:>9.1f}"
              f"{r['startup_plus_batch_s']:>12.2f}{r['steady_batch_ms']:>17.1f}")
    for actors, seconds in core.items():
        print(f"{f'core, {actors}':<10}{'':>9}{rows / seconds:>9.1f}{'':>12}{1000 * seconds:>17.1f}")
    print(f"Ray overhead per batch: {figures['ray_overhead_per_batch_ms']:.1f} ms; 2 actors / 1 actor: "
          f"{figures['speedup_steady']:.2f}x steady, {figures['speedup_wall']:.2f}x wall (start-up included); "
          f"plain Ray actors without Ray Data: {figures['core_speedup']:.2f}x")
    if args.report:
        Path(args.report).write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
