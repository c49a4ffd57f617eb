"""``projner push``: validation before upload, and the exact Hub calls (HfApi mocked, offline)."""

from __future__ import annotations

import json

import datasets
import huggingface_hub
import pytest

from projner.cli import main
from projner.dataset_cards.export import export_hub_folder
from projner.dataset_cards.folder import (
    HubFolderError,
    read_front_matter,
    validate_hub_folder,
)
from projner.dataset_cards.provenance import Component, Provenance
from projner.dataset_cards.sources import known_source
from projner.labels import CONLL2003_LABELS

datasets.disable_progress_bars()


class FakeApi:
    """Records every call; stands in for ``huggingface_hub.HfApi``."""

    calls: list[tuple[str, tuple, dict]] = []

    def __init__(self, token=None):
        FakeApi.calls.append(("__init__", (), {"token": token}))

    def create_repo(self, *args, **kwargs):
        FakeApi.calls.append(("create_repo", args, kwargs))

    def create_branch(self, *args, **kwargs):
        FakeApi.calls.append(("create_branch", args, kwargs))

    def upload_folder(self, **kwargs):
        # the card as it is at upload time, to check it goes up with the data
        readme = (kwargs["folder_path"] / "README.md").read_text()
        FakeApi.calls.append(("upload_folder", (), {**kwargs, "readme": readme}))
        return type("CommitInfo", (), {"commit_url": "https://huggingface.co/datasets/org/x/commit/1"})()


@pytest.fixture
def fake_api(monkeypatch):
    FakeApi.calls = []
    monkeypatch.setattr(huggingface_hub, "HfApi", FakeApi)
    monkeypatch.setenv("HF_TOKEN", "hf_env")
    return FakeApi


@pytest.fixture
def folder(tmp_path):
    rows = [{"id": "0", "src_tokens": ["Rome"], "src_tags": ["B-LOC"], "tgt_tokens": ["Roma"],
             "projected_tags": ["B-LOC"]}]
    prov = Provenance(task="project-parallel", source_dataset=known_source("europarl-ner", split="test"),
                      source_language="en", target_language="it", method=Component("heuristic", {}),
                      aligner=Component("eflomal", {}), labels=CONLL2003_LABELS, created="2025-03-01")
    return export_hub_folder({"test": datasets.Dataset.from_list(rows)}, tmp_path / "hub",
                             config_name="it", provenance=prov.to_dict())


def test_push_creates_repo_and_uploads_data_with_card_in_one_commit(folder, fake_api, capsys):
    code = main(["push", str(folder), "--repo-id", "org/silver-it", "--private", "--token", "hf_x",
                 "--revision", "v1"])
    assert code == 0
    names = [name for name, _, _ in fake_api.calls]
    assert names == ["__init__", "create_repo", "create_branch", "upload_folder"]
    _, _, init = fake_api.calls[0]
    assert init == {"token": "hf_x"}
    _, args, kwargs = fake_api.calls[1]
    assert args == ("org/silver-it",)
    assert kwargs == {"repo_type": "dataset", "private": True, "exist_ok": True}
    _, args, kwargs = fake_api.calls[2]
    assert args == ("org/silver-it",) and kwargs == {"branch": "v1", "repo_type": "dataset", "exist_ok": True}
    _, _, upload = fake_api.calls[3]
    assert upload["repo_id"] == "org/silver-it" and upload["repo_type"] == "dataset"
    assert upload["folder_path"] == folder and upload["revision"] == "v1"
    assert upload["delete_patterns"] == ["*.parquet"]
    assert "allow_patterns" not in upload and "ignore_patterns" not in upload  # README goes too
    assert "configs:" in upload["readme"] and 'load_dataset("org/silver-it", "it")' in upload["readme"]
    assert "note: licence" not in capsys.readouterr().err  # Europarl-NER: CC BY-SA 4.0, a Hub licence


def test_push_shows_a_licence_that_needs_reading_before_upload(tmp_path, fake_api, capsys):
    rows = [{"id": "0", "src_tokens": ["Rome"], "src_tags": ["B-LOC"], "tgt_tokens": ["Roma"],
             "projected_tags": ["B-LOC"]}]
    prov = Provenance(task="project-parallel", source_dataset=known_source("conll2003", split="train"),
                      source_language="en", target_language="it", method=Component("heuristic", {}),
                      aligner=Component("eflomal", {}), labels=CONLL2003_LABELS, created="2025-03-01")
    folder = export_hub_folder({"train": datasets.Dataset.from_list(rows)}, tmp_path / "hub",
                               config_name="it", provenance=prov.to_dict())
    assert main(["push", str(folder), "--repo-id", "org/x"]) == 0
    assert "note: licence other: CoNLL-2003 (English): Derived from the Reuters Corpus" in capsys.readouterr().err


def test_push_to_main_skips_branch_and_defaults_public(folder, fake_api):
    assert main(["push", str(folder), "--repo-id", "org/x"]) == 0
    names = [name for name, _, _ in fake_api.calls]
    assert names == ["__init__", "create_repo", "upload_folder"]
    assert fake_api.calls[1][2]["private"] is False
    assert fake_api.calls[2][2]["revision"] is None


@pytest.mark.parametrize("breakage, message", [
    (lambda f: (f / "README.md").unlink(), "README.md: missing"),
    (lambda f: next((f / "it").glob("*.parquet")).unlink(), "no file matches 'it/test-\\*.parquet'"),
    (lambda f: (f / "README.md").write_text("# no front matter\n"), "no 'configs' list"),
])
def test_invalid_folder_is_refused_before_any_hub_call(folder, fake_api, capsys, breakage, message):
    breakage(folder)
    with pytest.raises(HubFolderError, match=message):
        validate_hub_folder(folder)
    assert main(["push", str(folder), "--repo-id", "org/x"]) == 2
    assert "projner push: error:" in capsys.readouterr().err
    assert fake_api.calls == []


def test_bad_repo_id_and_two_defaults_are_refused(folder, fake_api, capsys):
    assert main(["push", str(folder), "--repo-id", "no-slash"]) == 2
    assert "expected ORG/NAME" in capsys.readouterr().err
    metadata, body = read_front_matter(folder / "README.md")
    metadata["configs"].append(dict(metadata["configs"][0], config_name="it2"))
    (folder / "README.md").write_text("---\n" + json.dumps(metadata) + "\n---\n" + body)
    with pytest.raises(HubFolderError, match="several default configs"):
        validate_hub_folder(folder)
    assert fake_api.calls == []


def snapshot(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_push_without_a_token_is_one_line_before_any_hub_call(folder, fake_api, monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("HF_TOKEN")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "no-login"))
    monkeypatch.setenv("HF_TOKEN_PATH", str(tmp_path / "no-login" / "token"))
    before = snapshot(folder)
    assert main(["push", str(folder), "--repo-id", "org/x"]) == 2
    err = capsys.readouterr().err
    assert err == "projner push: error: no Hub token: pass --token, set HF_TOKEN or run `hf auth login`\n"
    assert fake_api.calls == [] and snapshot(folder) == before


def test_push_without_network_is_one_fast_line_and_leaves_the_folder_alone(folder, monkeypatch, capsys):
    import time

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)  # CI runs offline
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens there: connection refused
    before = snapshot(folder)
    started = time.perf_counter()
    assert main(["push", str(folder), "--repo-id", "org/x", "--token", "hf_x"]) == 2
    assert time.perf_counter() - started < 30
    err = capsys.readouterr().err
    assert err.startswith("projner push: error: ") and len(err.strip().splitlines()) == 1, err
    assert "cannot reach the Hub" in err or "the Hub refused" in err
    assert snapshot(folder) == before


def test_push_in_offline_mode_names_the_setting_that_is_on(folder, monkeypatch, capsys):
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    assert main(["push", str(folder), "--repo-id", "org/x", "--token", "hf_x"]) == 2
    assert capsys.readouterr().err == "projner push: error: offline mode is on (TRANSFORMERS_OFFLINE=1): unset it to push\n"


def test_push_uploads_a_readme_projner_did_not_write_as_it_is_and_says_so(folder, fake_api, capsys):
    metadata, _ = read_front_matter(folder / "README.md")
    own = "---\n" + json.dumps(metadata) + "\n---\n# My own card\n"
    (folder / "README.md").write_text(own)
    assert main(["push", str(folder), "--repo-id", "org/x"]) == 0
    assert "README.md was not written by projner: uploaded as it is" in capsys.readouterr().err
    assert (folder / "README.md").read_text() == own
    assert fake_api.calls[-1][2]["readme"] == own
