"""The viewer on a 15,000-pair translate-train output: the page's size and how fast its first page draws.

    python benchmarks/viewer_speed.py [--data-dir ../shared/data] [--pairs 15000] [--opens 3]

1. A translate-train output of real sentences: CoNLL-2003 English train with its NLLB-200
   translations from the T-Projection silver files (``tprojection-silver/<lang>.train.txt`` and
   ``map/``; Hausa first, then Igbo until there are enough kept pairs), aligned by eflomal (one
   run per language, all pairs at once; cached under ``--workdir``), projected by translate-train's
   own steps (``benchmarks/extrinsic_nllb.py``'s :func:`silver_dataset`: ``project``, ``retype``,
   ``select``), the first ``--pairs`` kept sentences exported as translate-train exports them.
2. ``projner view`` writes the page; its size is printed (target: under 50 MB).
3. A fresh headless Chromium opens it ``--opens`` times; the page writes into its DOM the
   ``performance.now()`` at which its first page was laid out (from the start of navigation:
   reading the file, parsing the data, building the first page). The median and the slowest are
   printed (target: under 2 s on 2 cores).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from extrinsic_nllb import DEFAULT_DATA, align_pairs, load_pairs, silver_dataset

from projner import view
from projner.dataset_cards.export import export_hub_folder
from projner.dataset_cards.provenance import Component, ModelRef, Provenance
from projner.dataset_cards.sources import known_source
from projner.labels import PANX_LABELS
from projner.processing.options import MethodOptions
from projner.testing.browser import Chromium

LANGUAGES = ("hau", "ibo")
ALIGNER = {"runs": 1}


def translate_train_output(data_dir: Path, pairs_wanted: int, workdir: Path) -> Path:
    """An exported translate-train folder of ``pairs_wanted`` kept pairs (module docstring, step 1)."""
    import datasets

    method = MethodOptions()
    kept: list[datasets.Dataset] = []
    total = 0
    for lang in LANGUAGES:
        pairs, _ = load_pairs(data_dir, lang)
        links, cached = align_pairs(pairs, lang, 0, workdir / "links", ALIGNER)
        print(f"{lang}: {len(pairs)} pairs, links {'from the cache' if cached else 'aligned'}", flush=True)
        ds, _ = silver_dataset(pairs, links, method, method.projection_config(), workdir / lang)
        ds = ds.filter(lambda reason: not reason, input_columns="projection_issues")
        kept.append(ds.select(range(min(len(ds), pairs_wanted - total))))
        total += len(kept[-1])
        if total >= pairs_wanted:
            break
    if total < pairs_wanted:
        raise SystemExit(f"only {total} kept pairs in {', '.join(LANGUAGES)}; ask for fewer with --pairs")
    provenance = Provenance(
        task="translate-train", source_dataset=known_source("conll2003", split="train"), source_language="en",
        target_language="ha", method=Component(method.method, {"solver": method.solver}),
        aligner=Component("eflomal", ALIGNER), labels=PANX_LABELS,
        models=(ModelRef("translator", "NLLB-200, as T-Projection's silver files were translated"),),
    ).to_dict()
    folder = workdir / "output"
    export_hub_folder({"train": datasets.concatenate_datasets(kept)}, folder, config_name="ha",
                      provenance=provenance, report={"no_gold_reason": "translate-train: no target gold"})
    return folder


def cpu_name() -> str:
    lines = subprocess.run(["lscpu"], check=False, capture_output=True, text=True).stdout.splitlines()
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("Model name")), "unknown CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--pairs", type=int, default=15000)
    parser.add_argument("--opens", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "projner-viewer-speed")
    args = parser.parse_args()
    import datasets

    datasets.disable_progress_bars()
    folder = translate_train_output(args.data_dir, args.pairs, args.workdir)
    started = time.perf_counter()
    page = view(folder, args.workdir / "page.html")
    seconds = time.perf_counter() - started
    size = page.path.stat().st_size
    print(f"page: {page.pairs} pairs, {size / 1e6:.1f} MB (target < 50 MB), written in {seconds:.1f} s")
    times = []
    with Chromium() as browser:
        for _ in range(args.opens):
            browser.open(page.path)
            times.append(float(browser.evaluate("document.documentElement.dataset.firstPageMs")))
            shown = browser.evaluate("document.querySelectorAll('.pair').length")
    print(f"first page ({shown} pairs) drawn after {statistics.median(times) / 1000:.2f} s median, "
          f"{max(times) / 1000:.2f} s slowest of {args.opens} opens (target < 2 s)")
    print(f"machine: {cpu_name()}, {os.cpu_count()} CPUs visible; {Chromium.version()}")
    sys.exit(0 if size < 50e6 and max(times) < 2000 else 1)


if __name__ == "__main__":
    main()
