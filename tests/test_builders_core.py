"""Builders on the small committed fixtures: configs, Hub features, layouts, options, reports, cache."""

from __future__ import annotations

import importlib
import re
import shutil
import sys
import tarfile
from pathlib import Path

import datasets
import pytest

import projner.builders
from projner.builders.base import (
    ArchiveError,
    DownloadError,
    MissingSplitWarning,
    SourceError,
)
from projner.builders.conll import (
    MISSING_TOKEN,
    ConllError,
    KnownDefectWarning,
    UnlabelledFileError,
)
from projner.builders.conll2003 import Conll2003
from projner.builders.masakhaner2 import DATE_EVIDENCE, MasakhaNER2
from projner.builders.panx import PanX
from projner.builders.parallel import EuroparlNER, ParallelConll
from projner.labels import LabelMapError, LabelMapWarning

datasets.disable_progress_bars()

HUB_PANX_NAMES = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]
HUB_MASAKHANER2_NAMES = HUB_PANX_NAMES + ["B-DATE", "I-DATE"]
HUB_CONLL2003_NAMES = HUB_PANX_NAMES + ["B-MISC", "I-MISC"]
XTREME_PANX_LANGS = ("af ar bg bn de el en es et eu fa fi fr he hi hu id it ja jv ka kk ko ml mr ms my nl pt "
                     "ru sw ta te th tl tr ur vi yo zh").split()
MASAKHANER2_LANGS = "bam bbj ewe fon hau ibo kin lug luo mos nya pcm sna swa tsn twi wol xho yor zul".split()


def blocks(path: Path) -> list[str]:
    """Sentences counted independently of the reader: blank-line-separated blocks, documents dropped."""
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    return [b for b in re.split(r"\n[ \t]*\n", text) if b.strip() and not b.startswith("-DOCSTART-")]


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("hf-cache"))


def build(builder: datasets.DatasetBuilder) -> datasets.DatasetDict:
    builder.download_and_prepare()
    return builder.as_dataset()


def test_configs_come_from_the_language_registry_with_the_hub_names():
    assert list(PanX.builder_configs) == [f"PAN-X.{lang}" for lang in XTREME_PANX_LANGS]
    assert sorted(MasakhaNER2.builder_configs) == MASAKHANER2_LANGS
    assert sorted(EuroparlNER.builder_configs) == sorted(
        f"{s}-{t}" for s in ("en", "de", "es", "it") for t in ("en", "de", "es", "it") if s != t)
    for cls in (PanX, MasakhaNER2, EuroparlNER, Conll2003):
        assert cls.DEFAULT_CONFIG_NAME in cls.builder_configs
        assert getattr(projner.builders, cls.__name__) is cls


@pytest.mark.parametrize("cls, kwargs, expected", [
    (PanX, {}, {"tokens": datasets.List(datasets.Value("string")),
                "ner_tags": datasets.List(datasets.ClassLabel(names=HUB_PANX_NAMES)),
                "langs": datasets.List(datasets.Value("string"))}),
    (MasakhaNER2, {}, {"id": datasets.Value("string"), "tokens": datasets.List(datasets.Value("string")),
                       "ner_tags": datasets.List(datasets.ClassLabel(names=HUB_MASAKHANER2_NAMES))}),
    (Conll2003, {}, {"id": datasets.Value("string"), "tokens": datasets.List(datasets.Value("string")),
                     "ner_tags": datasets.List(datasets.ClassLabel(names=HUB_CONLL2003_NAMES))}),
    (EuroparlNER, {}, {"id": datasets.Value("string"), "src_tokens": datasets.List(datasets.Value("string")),
                       "src_tags": datasets.List(datasets.ClassLabel(names=HUB_CONLL2003_NAMES)),
                       "tgt_tokens": datasets.List(datasets.Value("string")),
                       "tgt_tags": datasets.List(datasets.ClassLabel(names=HUB_CONLL2003_NAMES))}),
])
def test_features_and_info_are_the_hubs(cls, kwargs, expected, cache):
    info = cls(cache_dir=cache, **kwargs).info
    assert info.features == datasets.Features(expected)
    assert info.description and info.citation.lstrip().startswith("@") and info.homepage and info.license


def test_masakhaner2_from_a_local_copy(fixtures, cache):
    ds = build(MasakhaNER2(config_name="yor", data_dir=str(fixtures / "masakhaner2"), cache_dir=cache))
    for split, stem in (("train", "train"), ("validation", "dev"), ("test", "test")):
        gold = blocks(fixtures / "masakhaner2" / "yor" / f"{stem}.txt")
        assert ds[split].num_rows == len(gold)
        first = [line.split() for line in gold[0].splitlines()]
        names = ds[split].features["ner_tags"].feature.names
        assert ds[split][0]["id"] == "0"
        assert ds[split][0]["tokens"] == [token for token, _ in first]
        assert [names[i] for i in ds[split][0]["ner_tags"]] == [tag for _, tag in first]


class LocalMirror(datasets.DownloadManager):
    """A download manager that serves URLs from a local folder and records what was asked for."""

    def __init__(self, prefix: str, folder: Path) -> None:
        super().__init__()
        self.prefix, self.folder, self.requested = prefix, folder, []

    def download(self, url_or_urls):
        def local(url: str) -> str:
            self.requested.append(url)
            assert url.startswith(self.prefix), url
            return str(self.folder / url[len(self.prefix):])
        return datasets.utils.py_utils.map_nested(local, url_or_urls)


def test_masakhaner2_default_source_is_the_public_repository(fixtures, cache):
    prefix = "https://github.com/masakhane-io/masakhane-ner/raw/main/MasakhaNER2.0/data/"
    mirror = LocalMirror(prefix, fixtures / "masakhaner2")
    builder = MasakhaNER2(config_name="yor", cache_dir=cache)
    builder.download_and_prepare(dl_manager=mirror)
    assert sorted(mirror.requested) == [prefix + "yor/dev.txt", prefix + "yor/test.txt", prefix + "yor/train.txt"]
    assert builder.as_dataset("test").num_rows == len(blocks(fixtures / "masakhaner2" / "yor" / "test.txt"))


class Unreachable(datasets.DownloadManager):
    """The real download path (fsspec over HTTP), sent to a local port where nothing listens."""

    def download(self, url_or_urls):
        return super().download(datasets.utils.py_utils.map_nested(
            lambda url: "http://127.0.0.1:9/" + url.rpartition("/data/")[2], url_or_urls))


def test_a_download_that_fails_names_the_url_and_data_dir(tmp_path):
    builder = MasakhaNER2(config_name="yor", cache_dir=str(tmp_path))  # a cache holding nothing yet
    with pytest.raises(DownloadError, match=r"masakhaner2/yor: could not download .*127\.0\.0\.1:9/yor/.*data_dir="):
        builder.download_and_prepare(dl_manager=Unreachable())


def test_europarl_default_source_is_the_public_repository(fixtures, cache):
    prefix = "https://github.com/ixa-ehu/ner-evaluation-corpus-europarl/raw/HEAD/"
    mirror = LocalMirror(prefix, fixtures / "europarl-ner")
    builder = EuroparlNER(config_name="en-de", cache_dir=cache)
    builder.download_and_prepare(dl_manager=mirror)
    assert mirror.requested == [prefix + "en-europarl.test.conll02", prefix + "de-europarl.test.conll02"]
    test = builder.as_dataset("test")
    assert test.num_rows == len(blocks(fixtures / "europarl-ner" / "en-europarl.test.conll02")) == 4
    assert test[1]["tgt_tokens"][:2] == ["Ich", "erkläre"]


def test_panx_xtreme_layout_refuses_the_unlabelled_test_file_and_suggests_splits(fixtures, cache):
    builder = PanX(config_name="PAN-X.sw", data_dir=str(fixtures / "panx-xtreme"), cache_dir=cache)
    with pytest.raises(UnlabelledFileError) as err:
        builder.download_and_prepare()
    assert err.value.path.endswith("test-sw.tsv") and err.value.line == 1 and err.value.text == "Khartoum"
    assert "splits=('train', 'validation')" in str(err.value)
    ds = build(PanX(config_name="PAN-X.sw", data_dir=str(fixtures / "panx-xtreme"), cache_dir=cache,
                    splits=("train", "validation")))
    assert set(ds) == {"train", "validation"}
    assert ds["validation"].num_rows == len(blocks(fixtures / "panx-xtreme" / "dev-sw.tsv"))
    assert set(ds["validation"][0]["langs"]) == {"sw"}


def test_panx_missing_split_files_are_left_out_with_a_warning_naming_them(fixtures, cache):
    builder = PanX(config_name="PAN-X.de", data_dir=str(fixtures / "panx-xtreme"), cache_dir=cache)
    with pytest.warns(MissingSplitWarning) as caught:
        ds = build(builder)
    root = fixtures / "panx-xtreme"
    assert sorted(str(w.message).split("left out: ")[1] for w in caught) == [
        f"{root / 'test-de.tsv'} not found", f"{root / 'train-de.tsv'} not found"]
    assert list(ds) == ["validation"]
    assert builder.read_report.missing == {"train": str(fixtures / "panx-xtreme" / "train-de.tsv"),
                                           "test": str(fixtures / "panx-xtreme" / "test-de.tsv")}


def raw_panx_copy(fixtures: Path, root: Path, archive: bool) -> Path:
    """The Rahimi swa fixture rewritten as XTREME's raw files: ``sw:token<TAB>TAG``."""
    root.mkdir()
    for stem in ("train", "dev", "test"):
        lines = (fixtures / "panx-rahimi" / "swa" / f"{stem}.txt").read_text(encoding="utf-8").splitlines()
        raw = "".join(f"sw:{line.split()[0]}\t{line.split()[1]}\n" if line.strip() else "\n" for line in lines)
        (root / (stem if archive else f"sw-{stem}")).write_text(raw, encoding="utf-8")
    if archive:
        with tarfile.open(root / "sw.tar.gz", "w:gz") as tar:
            for stem in ("train", "dev", "test"):
                tar.add(root / stem, arcname=stem)
                (root / stem).unlink()
    return root


@pytest.mark.parametrize("archive", [True, False])
def test_panx_raw_and_rahimi_layouts_give_the_same_examples(fixtures, cache, tmp_path, archive):
    rahimi = build(PanX(config_name="PAN-X.sw", data_dir=str(fixtures / "panx-rahimi"), cache_dir=cache))
    raw_dir = raw_panx_copy(fixtures, tmp_path / "panx_dataset", archive)
    raw = build(PanX(config_name="PAN-X.sw", data_dir=str(raw_dir), cache_dir=cache))
    for split in ("train", "validation", "test"):
        assert raw[split].to_list() == rahimi[split].to_list()
        assert rahimi[split].num_rows == len(blocks(fixtures / "panx-rahimi" / "swa" /
                                                    f"{'dev' if split == 'validation' else split}.txt"))


def test_panx_truncated_archive_is_named_and_leaves_nothing_a_repaired_one_would_read(fixtures, tmp_path):
    raw_dir = raw_panx_copy(fixtures, tmp_path / "panx_dataset", archive=True)
    archive = raw_dir / "sw.tar.gz"
    whole = archive.read_bytes()
    cache = str(tmp_path / "cache")
    for cut in (len(whole) // 2, 40):  # cut in a member's data, and in the first header
        archive.write_bytes(whole[:cut])
        with pytest.raises(ArchiveError, match=rf"^{re.escape(str(archive))}: truncated or corrupt archive \("):
            PanX(config_name="PAN-X.sw", data_dir=str(raw_dir), cache_dir=cache).download_and_prepare()
        assert not list((tmp_path / "cache").rglob("dev"))  # no half-extracted file left for a rerun
    archive.write_bytes(whole)
    repaired = build(PanX(config_name="PAN-X.sw", data_dir=str(raw_dir), cache_dir=cache))
    assert repaired["validation"].num_rows == len(blocks(fixtures / "panx-rahimi" / "swa" / "dev.txt"))


def test_panx_layout_errors(fixtures, tmp_path, cache):
    mixed = tmp_path / "mixed"
    shutil.copytree(fixtures / "panx-rahimi", mixed)
    shutil.copy(fixtures / "panx-xtreme" / "dev-sw.tsv", mixed)
    with pytest.raises(ValueError, match=r"several layouts \(xtreme, rahimi\); choose one with layout="):
        PanX(config_name="PAN-X.sw", data_dir=str(mixed), cache_dir=cache).download_and_prepare()
    chosen = build(PanX(config_name="PAN-X.sw", data_dir=str(mixed), layout="rahimi", cache_dir=cache))
    assert set(chosen) == {"train", "validation", "test"}
    with pytest.raises(FileNotFoundError, match=r"no PAN-X files for fr in .*looked for fr.tar.gz, .*dev-fr.tsv"):
        PanX(config_name="PAN-X.fr", data_dir=str(mixed), cache_dir=cache).download_and_prepare()
    with pytest.raises(ValueError, match="PanX needs data_dir="):
        PanX(config_name="PAN-X.sw", cache_dir=cache).download_and_prepare()


def test_a_folder_where_a_split_file_should_be_is_named(fixtures, tmp_path, cache):
    data = tmp_path / "masakhaner2"
    shutil.copytree(fixtures / "masakhaner2", data)
    (data / "yor" / "test.txt").unlink()
    (data / "yor" / "test.txt").mkdir()
    with pytest.raises(SourceError, match=rf"^{re.escape(str(data / 'yor' / 'test.txt'))}: is a folder, not the "
                                          r"file of split 'test'"):
        MasakhaNER2(config_name="yor", data_dir=str(data), cache_dir=cache).download_and_prepare()
    panx = tmp_path / "panx"
    for stem in ("train", "dev", "test"):
        (panx / "swa" / f"{stem}.txt").mkdir(parents=True)
    with pytest.raises(SourceError, match=r"swa/train.txt: is a folder"):
        PanX(config_name="PAN-X.sw", data_dir=str(panx), cache_dir=cache).download_and_prepare()


@pytest.mark.parametrize("text", ["", "-DOCSTART- -X- O O\n\n"], ids=["empty", "docstart-only"])
def test_a_split_without_sentences_is_an_error_naming_its_file(fixtures, tmp_path, cache, text):
    data = tmp_path / "masakhaner2"
    shutil.copytree(fixtures / "masakhaner2", data)
    (data / "yor" / "test.txt").write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=rf"^no sentences in {re.escape(str(data / 'yor' / 'test.txt'))}$"):
        MasakhaNER2(config_name="yor", data_dir=str(data), cache_dir=cache).download_and_prepare()


def test_masakhaner2_data_dir_that_is_a_file_is_named(fixtures, cache):
    path = fixtures / "masakhaner2" / "yor" / "test.txt"
    with pytest.raises(FileNotFoundError, match=rf"^data_dir {re.escape(str(path))} is not a directory$"):
        MasakhaNER2(config_name="yor", data_dir=str(path), cache_dir=cache).download_and_prepare()


def test_label_map_changes_the_label_set_and_is_recorded_in_the_info(fixtures, cache):
    ds = build(MasakhaNER2(config_name="yor", data_dir=str(fixtures / "masakhaner2"), cache_dir=cache,
                           label_map=["DATE=O"]))
    assert ds["train"].features["ner_tags"].feature.names == HUB_PANX_NAMES
    assert "Label map applied by entity type: DATE=O." in ds["train"].info.description
    gold = blocks(fixtures / "masakhaner2" / "yor" / "train.txt")
    dates = sum(line.endswith("DATE") for b in gold for line in b.splitlines())
    assert dates > 0  # the fixture holds dates, so the map did something
    names = ds["train"].features["ner_tags"].feature.names
    tags = [names[i] for row in ds["train"]["ner_tags"] for i in row]
    assert tags == [("O" if line.endswith("DATE") else line.split()[1]) for b in gold for line in b.splitlines()]


def bad_copy(fixtures: Path, root: Path) -> Path:
    """The yor fixture with one tagless line added to train.txt (as in masakhaner2/xho/train.txt)."""
    shutil.copytree(fixtures / "masakhaner2", root)
    train = root / "yor" / "train.txt"
    lines = train.read_text(encoding="utf-8").splitlines()
    train.write_text("\n".join(lines[:1] + [" O"] + lines[1:]) + "\n", encoding="utf-8")
    return train


def test_strict_build_raises_the_readers_error_not_a_generic_one(fixtures, tmp_path, cache):
    train = bad_copy(fixtures, tmp_path / "data")
    with pytest.raises(ConllError) as err:
        MasakhaNER2(config_name="yor", data_dir=str(tmp_path / "data"), cache_dir=cache,
                    strict=True).download_and_prepare()
    assert (err.value.path, err.value.line, err.value.text) == (str(train), 2, " O")


def test_default_build_skips_a_tag_without_token_as_a_known_defect_warned_and_counted(fixtures, tmp_path, cache):
    train = bad_copy(fixtures, tmp_path / "data")
    builder = MasakhaNER2(config_name="yor", data_dir=str(tmp_path / "data"), cache_dir=cache)
    with pytest.warns(KnownDefectWarning, match=r"train.txt: 1 line\(s\) with a tag but no token .*line 2"):
        ds = build(builder)
    assert builder.read_report.tolerated() == {"train": {MISSING_TOKEN: 1}}
    assert builder.read_report.skipped() == {}
    assert ds["train"].num_rows == len(blocks(train))
    original = blocks(fixtures / "masakhaner2" / "yor" / "train.txt")[0].split("\n")
    assert ds["train"][0]["tokens"] == [line.split()[0] for line in original]
    assert f"tolerated 1 × {MISSING_TOKEN}" in ds["train"].info.description


def test_lenient_report_is_exposed_recorded_and_survives_the_cache(fixtures, tmp_path, cache):
    train = bad_copy(fixtures, tmp_path / "data")
    options = {"config_name": "yor", "data_dir": str(tmp_path / "data"), "cache_dir": cache, "lenient": True,
               "strict": True}
    builder = MasakhaNER2(**options)
    ds = build(builder)
    expected = {"train": {"expected 2 columns, found 1 (the token is missing)": 1}}
    assert builder.read_report.skipped() == expected
    assert [(s.path, s.line) for s in builder.read_report.reads["train"][0].skipped] == [(str(train), 2)]
    assert ds["train"].num_rows == len(blocks(train))
    assert "skipped 1 × expected 2 columns, found 1 (the token is missing)" in ds["train"].info.description
    again = MasakhaNER2(**options)  # a new builder reuses the cache and reads the stored report
    again.download_and_prepare()
    assert again.read_report.skipped() == expected
    assert again.read_report.sentences("train") == ds["train"].num_rows


def test_cache_hash_follows_code_version_and_data(fixtures, tmp_path, cache, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(fixtures / "masakhaner2", data)
    options = {"config_name": "yor", "data_dir": str(data), "cache_dir": cache}
    first = MasakhaNER2(**options).hash
    assert MasakhaNER2(**options).hash == first

    class Same(MasakhaNER2):
        pass

    class Bumped(MasakhaNER2):
        VERSION = datasets.Version("1.0.1")
    assert Bumped(**options).hash != Same(**options).hash

    (data / "yor" / "dev.txt").write_text((data / "yor" / "dev.txt").read_text() + "\nextra O\n")
    assert MasakhaNER2(**options).hash != first

    module = tmp_path / "mod" / "hashed_builder.py"
    module.parent.mkdir()
    monkeypatch.syspath_prepend(str(module.parent))
    hashes = []
    for body in ("    pass\n", "    '''changed code'''\n"):
        module.write_text("from projner.builders.masakhaner2 import MasakhaNER2\n"
                          "class Hashed(MasakhaNER2):\n" + body)
        sys.modules.pop("hashed_builder", None)
        hashes.append(importlib.import_module("hashed_builder").Hashed(**options).hash)
    assert hashes[0] != hashes[1]


def test_parquet_round_trip_keeps_the_class_labels(fixtures, tmp_path, cache):
    ds = build(MasakhaNER2(config_name="yor", data_dir=str(fixtures / "masakhaner2"), cache_dir=cache))
    ds["train"].to_parquet(str(tmp_path / "train.parquet"))
    loaded = datasets.load_dataset("parquet", data_files=str(tmp_path / "train.parquet"), split="train",
                                   cache_dir=str(tmp_path / "parquet-cache"))
    assert loaded.features == ds["train"].features
    assert loaded.features["ner_tags"].feature.names == HUB_MASAKHANER2_NAMES
    assert loaded.to_list() == ds["train"].to_list()


def test_conll2003_from_a_local_path_only(fixtures, cache):
    ds = build(Conll2003(data_dir=str(fixtures / "conll2003"), cache_dir=cache))
    for split, stem in (("train", "train"), ("validation", "dev"), ("test", "test")):
        assert ds[split].num_rows == len(blocks(fixtures / "conll2003" / f"en.conll.{stem}.tsv"))
    assert ds["train"][2]["tokens"] == ["English", "weather", "was", "mild", "."]
    with pytest.raises(ValueError, match="cannot be bundled or downloaded"):
        Conll2003(cache_dir=cache).download_and_prepare()


def test_parallel_conll_with_an_unlabelled_target(fixtures, tmp_path, cache):
    source = fixtures / "europarl-ner" / "en-europarl.test.conll02"
    target = tmp_path / "de.tokens"
    target.write_text("\n".join(line.split("\t")[0] for line in
                                (fixtures / "europarl-ner" / "de-europarl.test.conll02").read_text().splitlines()))
    ds = build(ParallelConll(source_file=str(source), target_file=str(target), target_labelled=False,
                             label_map=["MISC=O"], cache_dir=cache))
    assert ds["test"].num_rows == 4
    assert ds["test"]["tgt_tags"] == [None] * 4
    assert ds["test"].features["src_tags"].feature.names == HUB_PANX_NAMES


def test_a_label_map_naming_a_type_the_dataset_lacks_warns_or_with_strict_fails(fixtures, cache):
    options = {"config_name": "yor", "data_dir": str(fixtures / "masakhaner2"), "cache_dir": cache}
    with pytest.warns(LabelMapWarning, match=r"masakhaner2/yor has no entity type MISC \(types present: PER, ORG, "
                                             r"LOC, DATE\)"):
        MasakhaNER2(label_map=("MISC=O",), **options)
    with pytest.raises(LabelMapError, match="no entity type MISC"):
        MasakhaNER2(label_map=("MISC=O",), strict=True, **options)


def test_a_label_map_swap_builds(fixtures, cache):
    options = {"config_name": "yor", "data_dir": str(fixtures / "masakhaner2"), "cache_dir": cache}
    plain = build(MasakhaNER2(**options))["validation"]
    swapped = build(MasakhaNER2(label_map=("LOC=PER", "PER=LOC"), **options))["validation"]
    names = swapped.features["ner_tags"].feature.names
    swap = {"PER": "LOC", "LOC": "PER"}
    for before, after in zip(plain["ner_tags"], swapped["ner_tags"]):
        expected = [tag if tag == "O" else f"{tag[:2]}{swap.get(tag[2:], tag[2:])}"
                    for tag in (HUB_MASAKHANER2_NAMES[i] for i in before)]
        assert [names[i] for i in after] == expected


def test_another_collection_given_as_masakhaner2_is_named(fixtures, tmp_path, cache):
    """PAN-X's Rahimi folders have MasakhaNER's layout but no DATE: a large split without one is refused."""
    data = tmp_path / "masakhaner2"
    shutil.copytree(fixtures / "masakhaner2", data)
    train = data / "yor" / "train.txt"
    train.write_text("".join(f"Ade{k} B-PER\nlọ O\n\n" for k in range(DATE_EVIDENCE)), encoding="utf-8")
    with pytest.raises(SourceError, match=rf"^{re.escape(str(train))}: 200 sentences and no DATE entity"):
        MasakhaNER2(config_name="yor", data_dir=str(data), cache_dir=cache).download_and_prepare()
    # dropped by the label map, DATE is no evidence; one DATE entity is enough
    build(MasakhaNER2(config_name="yor", data_dir=str(data), cache_dir=cache, label_map=["DATE=O"]))
    train.write_text(train.read_text(encoding="utf-8") + "ọdun B-DATE\n\n", encoding="utf-8")
    assert build(MasakhaNER2(config_name="yor", data_dir=str(data), cache_dir=cache))["train"].num_rows == 201
