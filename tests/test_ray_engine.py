"""The ray engine (Ray Data) against the datasets engine: equal outputs, shared caches, and a run
that survives the death of a stage's worker process.

The ``ray``-marked tests share one local Ray (two CPUs, no dashboard) started once per test session;
each stage's actors import torch and load their model, so these tests are kept few.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import datasets
import psutil
import pytest
import torch

from projner.cli import main as cli_main
from projner.processing.corpora import load_gold
from projner.processing.engines import RayConfig, Step, build_engine
from projner.processing.engines.ray_data import INSTALL_HINT
from projner.processing.options import RunOptions
from projner.processing.pipelines import translate_test
from projner.processing.results import PipelineResult, export
from projner.processing.stage_cache import StepRunner

STAGE_WORKER = "MapBatches(StageWorker)"
"""In the process title of a model stage's actors (``ray::MapWorker(MapBatches(StageWorker))``)."""


@pytest.fixture(scope="module")
def ray_address() -> Iterator[str]:
    """One local Ray for these tests (all the ray-marked ones are here), stopped after them so the
    rest of the session runs without it; the engine uses it as it is, a CLI run joins it by address."""
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray.get_runtime_context().gcs_address
    ray.shutdown()


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def options(tiny_models, tmp_path: Path, name: str, **changes) -> RunOptions:
    return RunOptions(**({
        "translator": str(tiny_models["translator"]), "ner_model": str(tiny_models["ner"]),
        "aligner_model": str(tiny_models["aligner"]), "cache_dir": str(tmp_path / f"cache-{name}"),
        "num_beams": 1, "max_new_tokens": 8,
    } | changes))


def gold(name: str, lang: str, split: str, data_dir: Path, tmp_path: Path) -> datasets.Dataset:
    return load_gold(name, lang, split, data_dir=str(data_dir), cache_dir=tmp_path / "gold").dataset


def same_run(left: PipelineResult, right: PipelineResult) -> bool:
    """Equal rows and reports (what ran when, and from which cache, apart)."""
    def report(result: PipelineResult) -> dict:
        return {k: v for k, v in result.report.items() if k not in ("timings", "cached_steps", "cached_shards")}

    return ({k: d.to_dict() for k, d in left.dataset.items()} == {k: d.to_dict() for k, d in right.dataset.items()}
            and report(left) == report(right))


def assert_same_hub_folder(left: str | Path, right: str | Path) -> None:
    """Parquet, provenance and statistics byte for byte (the card and report carry timings)."""
    def files(root: Path) -> list[Path]:
        return sorted(p.relative_to(root) for p in root.rglob("*") if p.suffix in (".parquet", ".json")
                      and p.name != "report.json")

    left, right = Path(left), Path(right)
    assert files(left) == files(right) and any(p.suffix == ".parquet" for p in files(left))
    for name in files(left):
        assert (left / name).read_bytes() == (right / name).read_bytes(), name


def test_without_ray_the_engine_is_one_line_saying_what_to_install(monkeypatch, tmp_path, fixtures):
    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` meets where it is not installed
    with pytest.raises(ImportError, match=r"^the ray engine needs Ray Data: pip install 'projner\[ray\]'$"):
        RunOptions(engine="ray", cache_dir=str(tmp_path)).runner()
    with pytest.raises(SystemExit) as stopped:
        cli_main(["translate-train", "--lang", "sw", "--engine", "ray", "--cache-dir", str(tmp_path),
                  "--data-dir", str(fixtures / "conll2003")])
    assert str(stopped.value) == f"projner: {INSTALL_HINT}" and "\n" not in str(stopped.value)
    with pytest.raises(ValueError, match="ray.workers"):
        RunOptions(engine="ray", num_proc=2)
    with pytest.raises(SystemExit, match="^projner: --num-proc is the datasets engine's"):
        cli_main(["translate-train", "--lang", "sw", "--engine", "ray", "--num-proc", "2", "--cache-dir", str(tmp_path),
                  "--data-dir", str(fixtures / "conll2003")])


@pytest.mark.ray
def test_model_stages_queue_batches_ahead_on_each_actor(ray_address):
    """The actor pool is told how many batches to keep queued on each actor (Ray Data's default of
    two let CPU actors wait for the driver); fewer than one is refused."""
    import ray

    from projner.processing.engines.ray_data import RayEngine

    class Source:
        def map_batches(self, function, **options):
            self.options = options
            return self

    engine = RayEngine(RayConfig(workers=2, gpus_per_worker=0, batches_ahead=6), cached=build_engine("datasets"))
    source = engine._map_batches(ray, Source(), stage=None, step=Step("label", "f", Path("x"), uses_model=True), batches=9)
    pool = source.options["compute"]
    assert (pool.max_tasks_in_flight_per_actor, pool.min_size, pool.max_size) == (6, 2, 2)
    assert RayConfig().batches_ahead == 4
    with pytest.raises(ValueError, match="batches_ahead must be at least 1"):
        RayConfig(batches_ahead=0)


@pytest.mark.ray
def test_ray_batches_keep_order_features_and_the_shard_files(ray_address, tmp_path):
    """A CPU stage as Ray tasks over two shards of 7 and 13 rows (batches of 3 counted from each
    shard's start): the datasets engine's rows, order, features and files, shard by shard."""
    labels = datasets.ClassLabel(names=["O", "B-X"])
    ds = datasets.Dataset.from_dict(
        {"n": list(range(20)), "tag": [i % 2 for i in range(20)]},
        features=datasets.Features({"n": datasets.Value("int64"), "tag": labels}),
    ).select(range(19, -1, -1))  # an indices mapping: the engine must see the selected order

    def stage(batch):
        n = batch["n"]
        return {"pairs": [{"n": v, "half": v / 2} for v in n], "batch": [n[0]] * len(n), "empty": [[] for _ in n]}

    def steps(prefix: str, cached: tuple[bool, bool] = (False, False)) -> list[Step]:
        return [Step("pairs", f"{prefix}{i}", tmp_path / f"{prefix}-{i}.arrow", batch_size=3, rows=rows, cached=done)
                for i, (rows, done) in enumerate(zip([(0, 7), (7, 20)], cached))]

    engine = build_engine("ray", ray=RayConfig())
    on_ray = engine.map(ds, stage, steps("ray"))
    local = build_engine("datasets").map(ds, stage, steps("local"))
    assert [part["n"] for part in on_ray] == [list(range(19, 12, -1)), list(range(12, -1, -1))]
    assert on_ray[1]["batch"][:4] == [12, 12, 12, 9]  # batches start again at the shard's first row
    assert [part.features for part in on_ray] == [part.features for part in local]
    assert on_ray[0].features["tag"] == labels
    assert [part.to_dict() for part in on_ray] == [part.to_dict() for part in local]
    # a rerun that finds the first shard done loads it and computes only the second
    (tmp_path / "ray-1.arrow").unlink()
    again = engine.map(ds, stage, steps("ray", cached=(True, False)))
    assert [part.to_dict() for part in again] == [part.to_dict() for part in local]
    # a whole stage written by the ray engine is a cache hit for the datasets engine
    engine.map(ds, stage, [Step("whole", "a" * 32, tmp_path / f"whole-{'a' * 32}.arrow", batch_size=3)])
    runner = StepRunner(tmp_path)
    runner.map(ds, "whole", stage, "a" * 32, batch_size=3)
    assert runner.cached_steps == ["whole"]


@pytest.mark.ray
def test_a_stage_that_takes_indices_is_given_the_dataset_rows_on_both_engines(ray_address, tmp_path):
    """Shard by shard, so that a stage's error names the same dataset row on Ray as on datasets."""
    from projner.processing.stages.transfer import Project

    class RowStage:  # defined here, so Ray's workers get it by value (they cannot import this module)
        with_indices = True

        def __call__(self, batch: dict[str, list], indices: list[int]) -> dict[str, list]:
            return {"row": list(indices)}

    ds = datasets.Dataset.from_dict({"n": list(range(20))})

    def steps(prefix: str) -> list[Step]:
        return [Step("rows", f"{prefix}{i}", tmp_path / f"{prefix}-{i}.arrow", batch_size=3, rows=rows)
                for i, rows in enumerate([(0, 7), (7, 20)])]

    engine = build_engine("ray", ray=RayConfig())
    on_ray = engine.map(ds, RowStage(), steps("ray"))
    local = build_engine("datasets").map(ds, RowStage(), steps("local"))
    assert [part["row"] for part in on_ray] == [list(range(7)), list(range(7, 20))]
    assert [part.to_dict() for part in on_ray] == [part.to_dict() for part in local]
    pairs = datasets.Dataset.from_dict({"id": list("abcde"), "src_tokens": [["Ask", "Smith"]] * 5,
                                        "src_tags": [["O", "B-PER"]] * 4 + [["O"]],
                                        "tgt_tokens": [["Frag", "Smith"]] * 5, "alignments": [[[0, 0], [1, 1]]] * 5})
    # Ray hands the stage's ValueError back as a RayTaskError that is a ValueError too
    with pytest.raises(ValueError, match=r"stage 'project', row 4 \(id e\): 2 src_tokens but 1 src_tags"):
        engine.map(pairs, Project(), [Step("project", "p" * 32, tmp_path / "project.arrow", batch_size=2)])


@pytest.mark.ray
def test_a_users_mistake_inside_a_stage_comes_back_as_the_stage_raised_it(ray_address, tmp_path):
    """A model that cannot load is one line on the command line, whichever engine ran the stage."""
    from projner.processing.model_loading import ModelLoadError

    class Unloadable:
        def __call__(self, batch: dict[str, list]) -> dict[str, list]:
            raise ModelLoadError("the aligner's encoder x/y could not be loaded")

    ds = datasets.Dataset.from_dict({"n": list(range(4))})
    with pytest.raises(ModelLoadError) as caught:
        build_engine("ray", ray=RayConfig()).map(ds, Unloadable(), [Step("s", "u" * 32, tmp_path / "s.arrow",
                                                                        batch_size=2)])
    assert type(caught.value) is ModelLoadError
    assert str(caught.value) == "the aligner's encoder x/y could not be loaded"


@pytest.mark.ray
def test_a_first_batch_without_entities_keeps_the_declared_types_on_both_engines(ray_address, tmp_path):
    """Each Ray block is typed by the stage's declared features, not inferred (``list<null>``)."""
    from projner.processing.stages.transfer import Project

    pairs = datasets.Dataset.from_dict({"src_tokens": [["Ask", "Smith"]] * 4,
                                        "src_tags": [["O", "O"]] * 2 + [["O", "B-PER"]] * 2,
                                        "tgt_tokens": [["Frag", "Smith"]] * 4, "alignments": [[[0, 0], [1, 1]]] * 4})
    on_ray, = build_engine("ray", ray=RayConfig()).map(
        pairs, Project(), [Step("project", "r" * 32, tmp_path / "ray.arrow", batch_size=2)])
    local, = build_engine("datasets").map(pairs, Project(), [Step("project", "d" * 32, tmp_path / "d.arrow", batch_size=2)])
    assert on_ray.features == local.features == Project().features(pairs.features)
    assert on_ray.to_dict() == local.to_dict() and on_ray["tgt_entities"][2][0]["label"] == "PER"


@pytest.mark.ray
def test_translate_test_on_ray_equals_the_datasets_engine(ray_address, tiny_models, tmp_path, fixtures):
    data = gold("masakhaner2", "yo", "test", fixtures / "masakhaner2", tmp_path)
    on_ray = translate_test(data, "yo", run=options(tiny_models, tmp_path, "ray", engine="ray"))
    local = translate_test(data, "yo", run=options(tiny_models, tmp_path, "datasets"))
    export(on_ray, tmp_path / "out-ray")
    export(local, tmp_path / "out-datasets")
    assert_same_hub_folder(tmp_path / "out-ray", tmp_path / "out-datasets")
    assert same_run(on_ray, local)
    # the ray run's caches are the datasets engine's: a rerun on them recomputes nothing
    rerun = translate_test(data, "yo", run=options(tiny_models, tmp_path, "ray"))
    assert rerun.report["cached_steps"] == list(rerun.report["timings"]) and same_run(rerun, local)


def killer(before: set[int], weights: str, cache: Path, done: threading.Event, record: dict) -> None:
    """Kills the first new model-stage actor once it has its model loaded (so it is inside its
    first batch), noting whether the stage's cache file existed yet."""
    while not done.is_set():
        for proc in psutil.process_iter(["pid", "cmdline"]):
            if proc.pid in before or STAGE_WORKER not in " ".join(proc.info["cmdline"] or ()):
                continue
            try:
                if any(m.path == weights for m in proc.memory_maps()):
                    record["stage_finished"] = any(cache.glob("translate-*.arrow"))
                    proc.kill()
                    record["pid"] = proc.pid
                    return
            except psutil.Error:
                continue
        time.sleep(0.02)


@pytest.mark.ray
def test_a_killed_stage_worker_is_replaced_and_the_output_is_unchanged(ray_address, tiny_models, tmp_path,
                                                                         fixtures):
    """translate-train through the CLI on the session's Ray; the translator's only actor is killed
    by pid mid-stage. Ray restarts it and resubmits its batches: exit 0, output equal to the
    datasets engine's uninterrupted run."""
    data = tmp_path / "conll2003"
    data.mkdir()
    for split in ("train", "dev", "test"):
        shutil.copy(fixtures / "conll2003" / f"en.conll.{split}.tsv", data)
    train = (fixtures / "conll2003" / "en.conll.train.tsv").read_text(encoding="utf-8")
    (data / "en.conll.train.tsv").write_text(train * 16, encoding="utf-8")  # 48 sentences: 3 batches of 16
    command = [
        "translate-train", "--lang", "sw", "--data-dir", str(data), "--translator", str(tiny_models["translator"]),
        "--ner-model", str(tiny_models["ner"]), "--aligner-model", str(tiny_models["aligner"]), "--num-beams", "1",
        "--max-new-tokens", "8", "--translate-batch-size", "1",
    ]
    assert cli_main([*command, "--cache-dir", str(tmp_path / "cache-datasets"),
                     "--output", str(tmp_path / "out-datasets")]) == 0

    cache = tmp_path / "cache-ray"
    before = {p.pid for p in psutil.process_iter()}
    done, record = threading.Event(), {}
    weights = str(Path(tiny_models["translator"]) / "model.safetensors")
    thread = threading.Thread(target=killer, args=(before, weights, cache / "runs", done, record), daemon=True)
    thread.start()
    try:
        run = subprocess.run([
            sys.executable, "-m", "projner.cli", *command, "--cache-dir", str(cache), "--output", str(tmp_path / "out-ray"),
            "--engine", "ray", "--ray-address", ray_address, "--ray-workers", "1",
        ], capture_output=True, text=True, timeout=600, check=False)
    finally:
        done.set()
        thread.join()
    assert run.returncode == 0, run.stderr[-3000:]
    assert "pid" in record, "no translate actor was seen to kill"
    assert record["stage_finished"] is False
    assert not psutil.pid_exists(record["pid"])
    assert_same_hub_folder(tmp_path / "out-ray", tmp_path / "out-datasets")


def test_a_cluster_address_where_nothing_answers_is_said_at_once():
    """Ray itself retries an unreachable head for minutes, naming an address of its own choosing."""
    import socket

    from projner.processing.engines.ray_data import reachable

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, not listening: connections are refused
        with pytest.raises(ConnectionError, match=f"Ray address 'ray://127.0.0.1:{port}': nothing answers there"):
            reachable(f"ray://127.0.0.1:{port}")
    with pytest.raises(ValueError, match="expected auto, HOST:PORT or ray://HOST:PORT"):
        reachable("headnode")
    reachable("auto")  # Ray's to resolve


def test_two_runs_writing_one_ray_cache_file_at_once_each_finish(tmp_path):
    """Two runs sharing a --cache-dir map the same stage: each writes the cache file under a
    temporary name of its own. Both wrote one '<file>.ray-partial' before: the second run's writer
    truncated the first's half-written file, and the one that finished last found its temporary
    file renamed away by the other (FileNotFoundError)."""
    import pyarrow as pa

    from projner.processing.engines.ray_data import write_cache

    source = datasets.Dataset.from_dict({"x": [1, 2, 3, 4]})
    step = Step("plain", "f" * 32, tmp_path / f"plain-{'f' * 32}.arrow")

    def tables(other_run_finishes: bool) -> Iterator[pa.Table]:
        yield pa.table({"x": [1, 2], "y": ["<1>", "<2>"]})
        if other_run_finishes:  # the other run writes the whole file while this one is half-way
            write_cache(source, tables(False), step)
        yield pa.table({"x": [3, 4], "y": ["<3>", "<4>"]})

    written = write_cache(source, tables(True), step)
    assert written["y"] == ["<1>", "<2>", "<3>", "<4>"]
    assert datasets.Dataset.from_file(str(step.cache_file))["y"] == ["<1>", "<2>", "<3>", "<4>"]
    assert [p.name for p in tmp_path.iterdir()] == [step.cache_file.name]
    assert step.cache_file.stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    import os

    mask = os.umask(0o022)
    os.umask(mask)
    return mask
