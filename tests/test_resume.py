"""Resume inside a long stage: model stages run over contiguous shards, each cached on its own, so a
killed run resumes at its first missing shard, with the output of an uninterrupted run."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
import warnings
from pathlib import Path

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from projner.cli import main as cli_main
from projner.processing.stage_cache import CorruptCacheWarning, StepRunner, shard_plan

datasets.disable_progress_bars()


class CountingStage:
    """A model-like stage that records which rows it was given (to see what a rerun recomputes)."""

    def __init__(self) -> None:
        self.seen: list[int] = []

    def __call__(self, batch: dict[str, list], rank: int | None = None) -> dict[str, list]:
        self.seen.extend(batch["x"])
        return {"y": [f"<{v}>" for v in batch["x"]]}


class RowStage:
    """A model-like stage that takes indices: writes each row's position as the engine gave it."""

    with_indices = True

    def __call__(self, batch: dict[str, list], indices: list[int], rank: int | None = None) -> dict[str, list]:
        return {"row": list(indices)}


def test_a_stage_that_takes_indices_is_given_the_dataset_rows_in_every_shard(tmp_path):
    """``Dataset.map`` counts a selected shard's indices from 0; the engine adds the shard's start."""
    ds = datasets.Dataset.from_dict({"x": list(range(7))})
    runner = StepRunner(tmp_path, shard_rows=3)
    assert runner.map(ds, "rows", RowStage(), "d" * 32, uses_model=True, batch_size=2)["row"] == list(range(7))
    assert runner.cached_shards == {"rows": [0, 3]}


def test_shard_plan_is_contiguous_and_each_shard_has_its_own_fingerprint():
    plan = shard_plan(7, 3, "f" * 32)
    assert [(s.start, s.end) for s in plan] == [(0, 3), (3, 6), (6, 7)]
    assert len({s.fingerprint for s in plan} | {"f" * 32}) == 4
    assert shard_plan(3, 3, "f" * 32)[0].fingerprint == "f" * 32  # one shard: the stage's own cache file
    assert [s.fingerprint for s in shard_plan(7, 3, "f" * 32)] == [s.fingerprint for s in plan]


def test_a_lost_shard_alone_is_recomputed_and_the_output_is_unchanged(tmp_path):
    ds = datasets.Dataset.from_dict({"x": list(range(7))})
    first, stage = StepRunner(tmp_path, shard_rows=3), CountingStage()
    whole = first.map(ds, "tag", stage, "f" * 32, uses_model=True, batch_size=2)
    assert whole["y"] == [f"<{v}>" for v in range(7)] and stage.seen == list(range(7))
    assert first.cached_shards == {"tag": [0, 3]} and first.cached_steps == []
    files = sorted(tmp_path.glob("tag-*.arrow"), key=lambda p: p.stat().st_mtime_ns)
    assert len(files) == 3
    files[1].unlink()  # as if the run had been killed while mapping rows 3-5
    again, stage = StepRunner(tmp_path, shard_rows=3), CountingStage()
    resumed = again.map(ds, "tag", stage, "f" * 32, uses_model=True, batch_size=2)
    assert stage.seen == [3, 4, 5]
    assert again.cached_shards == {"tag": [2, 3]} and again.cached_steps == []
    assert resumed.to_dict() == whole.to_dict()
    third, stage = StepRunner(tmp_path, shard_rows=3), CountingStage()
    third.map(ds, "tag", stage, "f" * 32, uses_model=True, batch_size=2)
    assert stage.seen == [] and third.cached_steps == ["tag"] and third.cached_shards == {"tag": [3, 3]}


@pytest.mark.parametrize("corrupt", [lambda data: data[:len(data) // 2], lambda data: b"",
                                     lambda data: bytes(range(256)) * 8], ids=["cut", "emptied", "overwritten"])
def test_an_unreadable_cache_file_is_deleted_with_a_warning_and_its_stage_runs_again(tmp_path, corrupt):
    ds = datasets.Dataset.from_dict({"x": list(range(300))})
    whole = StepRunner(tmp_path).map(ds, "tag", CountingStage(), "c" * 32).to_dict()
    path = tmp_path / f"tag-{'c' * 32}.arrow"
    path.write_bytes(corrupt(path.read_bytes()))
    again, stage = StepRunner(tmp_path), CountingStage()
    with pytest.warns(CorruptCacheWarning, match=rf"stage cache file {path} could not be read .*runs again"):
        assert again.map(ds, "tag", stage, "c" * 32).to_dict() == whole
    assert stage.seen == list(range(300)) and again.cached_steps == []
    third = StepRunner(tmp_path)
    third.map(ds, "tag", CountingStage(), "c" * 32)
    assert third.cached_steps == ["tag"]


def _keep_first_rows(path: Path, rows: int) -> None:
    """Rewrite an Arrow cache file with its first ``rows`` rows: a valid stream, only shorter, as a file
    cut at a record-batch boundary reads. Written beside it and renamed, as datasets still maps the file."""
    table = pa.ipc.open_stream(path.read_bytes()).read_all()
    shorter = path.with_suffix(".short")
    with pa.OSFile(str(shorter), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table.slice(0, rows))
    shorter.replace(path)


@pytest.mark.parametrize("shard_rows", [1000, 200], ids=["whole", "last-shard"])
def test_a_cache_file_with_rows_missing_is_deleted_with_a_warning_and_its_rows_run_again(tmp_path, shard_rows):
    ds = datasets.Dataset.from_dict({"x": list(range(300))})
    whole = StepRunner(tmp_path, shard_rows=shard_rows).map(ds, "tag", CountingStage(), "c" * 32,
                                                            uses_model=True).to_dict()
    last = shard_plan(len(ds), shard_rows, "c" * 32)[-1]
    path, rows = tmp_path / f"tag-{last.fingerprint}.arrow", last.end - last.start
    _keep_first_rows(path, rows // 2)
    again, stage = StepRunner(tmp_path, shard_rows=shard_rows), CountingStage()
    with pytest.warns(CorruptCacheWarning, match=rf"stage cache file {path} holds {rows // 2} rows, its input "
                                                 rf"{rows}; deleted, its stage runs again"):
        resumed = again.map(ds, "tag", stage, "c" * 32, uses_model=True)
    assert resumed.to_dict() == whole and len(resumed) == len(ds)
    assert stage.seen == list(range(last.start, last.end)) and again.cached_steps == []
    third = StepRunner(tmp_path, shard_rows=shard_rows)
    third.map(ds, "tag", CountingStage(), "c" * 32, uses_model=True)
    assert third.cached_steps == ["tag"]


def test_a_worker_file_with_rows_missing_is_deleted_and_the_others_of_its_sharding_are_kept(tmp_path):
    ds = datasets.Dataset.from_dict({"x": list(range(10))})
    runner = StepRunner(tmp_path, num_proc=3)
    whole = runner.map(ds, "tag", CountingStage(), "d" * 32, uses_model=True).to_dict()
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorruptCacheWarning)  # 4, 3 and 3 rows: datasets' own split
        assert runner.is_cached("tag", "d" * 32, len(ds))
    first = tmp_path / f"tag-{'d' * 32}_00000_of_00003.arrow"
    _keep_first_rows(first, 3)
    with pytest.warns(CorruptCacheWarning, match=rf"stage cache file {first} holds 3 rows, its input 4;"):
        assert not runner.is_cached("tag", "d" * 32, len(ds))
    assert sorted(p.name for p in tmp_path.glob("tag-*")) == [
        f"tag-{'d' * 32}_00001_of_00003.arrow", f"tag-{'d' * 32}_00002_of_00003.arrow"]
    assert runner.map(ds, "tag", CountingStage(), "d" * 32, uses_model=True).to_dict() == whole


@pytest.mark.parametrize("num_proc", [None, 3])
def test_worker_files_are_loaded_under_another_num_proc_in_a_folder_named_with_brackets(tmp_path, num_proc):
    """A --cache-dir whose path holds glob characters ('runs [old]'): datasets looks for the worker
    files of another --num-proc by an unescaped glob, found none, and mapped the stage again, which
    the report listed as cached (the output typed by inference, not the stage's features)."""
    ds = datasets.Dataset.from_dict({"x": list(range(10))})
    folder = tmp_path / "cache [1]"
    whole = StepRunner(folder, num_proc=2).map(ds, "tag", CountingStage(), "f" * 32, uses_model=True).to_dict()
    again, stage = StepRunner(folder, num_proc=num_proc), CountingStage()
    assert again.map(ds, "tag", stage, "f" * 32, uses_model=True).to_dict() == whole
    assert stage.seen == [] and again.cached_steps == ["tag"]
    assert sorted(p.name for p in folder.glob("tag-*")) == [
        f"tag-{'f' * 32}_00000_of_00002.arrow", f"tag-{'f' * 32}_00001_of_00002.arrow"]


def test_stages_without_a_model_map_in_one_piece(tmp_path):
    ds = datasets.Dataset.from_dict({"x": list(range(7))})
    runner = StepRunner(tmp_path, shard_rows=3)
    runner.map(ds, "plain", CountingStage(), "e" * 32)
    assert [p.name for p in tmp_path.glob("plain-*.arrow")] == [f"plain-{'e' * 32}.arrow"]
    assert runner.cached_shards == {}


def _translate_train(tiny_models, data: Path, cache: Path, output: Path, lang: str = "hau") -> list[str]:
    return ["translate-train", "--lang", lang, "--data-dir", str(data), "--limit", "12", "--shard-rows", "4",
            "--translator", str(tiny_models["translator"]), "--ner-model", str(tiny_models["ner"]),
            "--aligner-model", str(tiny_models["aligner"]), "--num-beams", "1", "--max-new-tokens", "8",
            "--cache-dir", str(cache), "--output", str(output), "--report", str(output.with_suffix(".json"))]


def _parquet(folder: Path) -> pa.Table:
    return pq.read_table(next((folder / "ha").glob("train-*.parquet")))


@pytest.mark.slow
def test_a_run_killed_during_translation_resumes_at_its_first_unfinished_shard(tiny_models, shared_data, tmp_path):
    data, cache = shared_data / "conll2003-en", tmp_path / "cache"
    argv = _translate_train(tiny_models, data, cache, tmp_path / "killed")
    killed = subprocess.Popen([sys.executable, "-m", "projner.cli", *argv],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while not list((cache / "runs").glob("translate-*.arrow")):
        assert killed.poll() is None, killed.stderr.read().decode()
        assert time.monotonic() < deadline, "no translation shard was cached in time"
        time.sleep(0.005)
    killed.kill()
    killed.wait()
    finished = len(list((cache / "runs").glob("translate-*.arrow")))
    assert 1 <= finished < 3, "the run must be killed in the middle of translation"
    assert not (tmp_path / "killed").exists() and not (tmp_path / "killed.json").exists()

    assert cli_main(_translate_train(tiny_models, data, cache, tmp_path / "resumed", lang="hausa")) == 0
    report = json.loads((tmp_path / "resumed.json").read_text())
    assert report["cached_shards"]["translate"] == [finished, 3]
    assert "translate" not in report["cached_steps"] and "gold_tags" in report["cached_steps"]

    assert cli_main(_translate_train(tiny_models, data, tmp_path / "fresh", tmp_path / "uninterrupted",
                                     lang="ha")) == 0
    uninterrupted = json.loads((tmp_path / "uninterrupted.json").read_text())
    assert uninterrupted["cached_shards"]["translate"] == [0, 3]
    assert _parquet(tmp_path / "resumed").equals(_parquet(tmp_path / "uninterrupted"))
    assert report["kept"] == uninterrupted["kept"] and report["dropped"] == uninterrupted["dropped"]


TERMINATED_WITH_WORKERS = """
import os, sys, time
from projner.cli import main
from projner.processing.stages.tagging import Label

def stall(self, batch, rank=None):  # a worker holds its model: it says so, then waits to be stopped
    open(os.path.join(sys.argv[1], f"worker-{os.getpid()}"), "w").close()
    time.sleep(600)

Label.__call__ = stall
sys.exit(main(sys.argv[2:]))
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_sigterm_during_a_num_proc_stage_stops_its_worker_processes(tiny_models, fixtures, tmp_path):
    """SIGTERM (a scheduler's, ``kill PID``) to the command during a ``--num-proc`` stage used to end
    it without a word and leave its forked workers running for good, each holding a model."""
    import os
    import signal

    marks = tmp_path / "marks"
    marks.mkdir()
    (tmp_path / "in.conll").write_bytes((fixtures / "masakhaner2" / "yor" / "test.txt").read_bytes())
    argv = ["model-transfer", "--input", str(tmp_path / "in.conll"), "--lang", "yo",
            "--ner-model", str(tiny_models["ner"]), "--num-proc", "2", "--device", "cpu",
            "--cache-dir", str(tmp_path / "cache")]
    log = tmp_path / "stderr.txt"
    with log.open("w") as stderr:  # a file: workers that outlive the command would hold a pipe open
        run = subprocess.Popen([sys.executable, "-c", TERMINATED_WITH_WORKERS, str(marks), *argv],
                               stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while len(list(marks.iterdir())) < 2:
            assert run.poll() is None, log.read_text()[-2000:]
            assert time.monotonic() < deadline, "the workers did not start in time"
            time.sleep(0.05)
        workers = [int(p.name.removeprefix("worker-")) for p in marks.iterdir()]
        run.send_signal(signal.SIGTERM)
        run.wait(timeout=60)
        err = log.read_text()
        deadline = time.monotonic() + 20
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(map(_alive, workers)), "worker processes outlived the terminated command"
        assert run.returncode == 128 + signal.SIGTERM
        assert "model-transfer: terminated" in err and "Traceback" not in err, err[-2000:]
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)
        for pid in [int(p.name.removeprefix("worker-")) for p in marks.iterdir()]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        run.wait()


def test_a_damaged_prepared_gold_split_is_prepared_again(fixtures, tmp_path):
    """The gold split a builder prepared into <cache-dir>/builders, cut short or overwritten: every
    later run failed with pyarrow's 'Expected to read 360 metadata bytes, but only read 312', naming
    no file, until the user found and deleted the folder."""
    from projner.processing.corpora import load_gold

    def load() -> datasets.Dataset:
        return load_gold("masakhaner2", "yo", "test", data_dir=str(fixtures / "masakhaner2"),
                         cache_dir=tmp_path).dataset

    first = load().to_dict()
    prepared, = (tmp_path / "builders").rglob("*-test.arrow")
    with prepared.open("r+b") as stream:
        stream.truncate(prepared.stat().st_size // 2)
    with pytest.warns(CorruptCacheWarning, match=rf"prepared dataset {prepared.parent} could not be read .*; "
                                                 "deleted, prepared again"):
        assert load().to_dict() == first
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorruptCacheWarning)
        assert load().to_dict() == first
