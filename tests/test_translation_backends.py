"""The ctranslate2 translator backend against the transformers one, on the tiny NLLB-shaped model:
the same translations in float32, conversion cached by model, revision and quantization (a damaged
one converted again, the user's own folder never deleted), and the pipelines end to end (cached and
resumable) with ``--translator-backend ctranslate2``."""

from __future__ import annotations

import json
import random
import re
import shutil
import sys
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from projner.cli import main as cli_main
from projner.processing import translation_backends
from projner.processing.corpora import load_gold
from projner.processing.model_loading import ModelLoadError
from projner.processing.options import RunOptions
from projner.processing.pipelines import translate_test
from projner.processing.stage_cache import CorruptCacheWarning
from projner.processing.stages.transfer import Project
from projner.processing.stages.translation import Translate, TranslateConfig
from projner.testing.tiny_models import SAMPLE_TEXT, build_translator

pytestmark = pytest.mark.usefixtures("single_thread")


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    """300 sentences of 1 to 30 words drawn from the tiny tokenizer's text (lengths vary as in use)."""
    words = " ".join(SAMPLE_TEXT).split()
    draw = random.Random(0)
    return [" ".join(draw.choice(words) for _ in range(draw.randint(1, 30))) for _ in range(300)]


@pytest.fixture(scope="module")
def ending_translator(tmp_path_factory, sentences) -> Path:
    """The tiny translator with NLLB-200's own generation config (no bans) and its favourite token's
    output row, a little longer, as its end token: translations end at varied lengths."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer, GenerationConfig

    path = build_translator(tmp_path_factory.mktemp("models") / "ending")
    model = AutoModelForSeq2SeqLM.from_pretrained(path)
    model.generation_config = GenerationConfig(bos_token_id=0, decoder_start_token_id=2, eos_token_id=2,
                                               pad_token_id=1, max_length=200)
    tokenizer = AutoTokenizer.from_pretrained(path)
    encoded = tokenizer(sentences[:32], return_tensors="pt", padding=True)
    with torch.inference_mode():
        generated = model.generate(**encoded, max_new_tokens=12,
                                   forced_bos_token_id=tokenizer.convert_tokens_to_ids("deu_Latn"))
    favourite = Counter(generated[:, 2:].flatten().tolist()).most_common(1)[0][0]
    with torch.no_grad():
        model.get_output_embeddings().weight[2] = 1.05 * model.get_output_embeddings().weight[favourite]
    model.save_pretrained(path)
    return path


def translate(model: Path, sentences: list[str], cache: Path, **changes) -> list:
    options = {"source_lang": "en", "target_lang": "de", "model": str(model), "num_beams": 1, "max_new_tokens": 12,
               "batch_size": 16, "dtype": "float32", "converted_dir": str(cache)} | changes
    return Translate(TranslateConfig(**options)).translate(sentences)


def as_tuples(translations: list) -> list[tuple]:
    return [(t.text, t.pieces, t.complete, t.generated_tokens) for t in translations]


@pytest.mark.parametrize("beams", [1, 4])
def test_ctranslate2_in_float32_translates_as_transformers(tiny_models, sentences, tmp_path, beams):
    """The shipped tiny model bans repeats (and so, as transformers counts its ``</s>`` start, the
    end token): every search runs to the length limit, through the same bans."""
    reference = translate(tiny_models["translator"], sentences, tmp_path, num_beams=beams)
    fast = translate(tiny_models["translator"], sentences, tmp_path, num_beams=beams, backend="ctranslate2",
                     compute_type="float32")
    assert len({t.text for t in reference}) > 250, "the tiny translator should depend on its input"
    assert as_tuples(fast) == as_tuples(reference)


def test_ctranslate2_greedy_ends_translations_where_transformers_does(ending_translator, sentences, tmp_path):
    reference = translate(ending_translator, sentences, tmp_path)
    fast = translate(ending_translator, sentences, tmp_path, backend="ctranslate2", compute_type="float32")
    ended = sum(t.complete for t in reference)
    assert 30 <= ended <= 270, f"{ended}/300 translations ended: the end token should be neither rare nor certain"
    assert as_tuples(fast) == as_tuples(reference)


def test_int8_share_of_identical_translations_is_reported(tiny_models, sentences, tmp_path, record_property):
    """int8 changes some argmaxes: the share of identical translations is reported, not asserted."""
    reference = translate(tiny_models["translator"], sentences, tmp_path)
    int8 = translate(tiny_models["translator"], sentences, tmp_path, backend="ctranslate2", compute_type="int8")
    share = sum(a.text == b.text for a, b in zip(reference, int8)) / len(sentences)
    record_property("int8_identical_share", share)
    print(f"int8: {share:.0%} of {len(sentences)} translations identical to transformers float32")
    assert [t.generated_tokens for t in int8] == [t.generated_tokens for t in reference]  # all ran to the limit


def test_conversion_is_cached_by_model_revision_and_quantization(tiny_models, tmp_path, monkeypatch):
    model = str(tiny_models["translator"])
    first = translate(model, SAMPLE_TEXT[:3], tmp_path, backend="ctranslate2", compute_type="float32")
    translate(model, SAMPLE_TEXT[:3], tmp_path, backend="ctranslate2", compute_type="int8")
    folders = sorted(p.name for p in tmp_path.iterdir() if p.is_dir())
    assert len(folders) == 2 and folders[0].endswith("-float32") and folders[1].endswith("-int8")

    def no_conversion(*args, **kwargs):
        raise AssertionError("converted again")

    monkeypatch.setattr("ctranslate2.converters.TransformersConverter.convert", no_conversion)
    again = translate(model, SAMPLE_TEXT[:3], tmp_path, backend="ctranslate2", compute_type="float32")
    assert as_tuples(again) == as_tuples(first)
    # a ready CTranslate2 folder is taken as it is, with the Hugging Face tokenizer beside it
    ready = tmp_path / folders[0]
    assert (ready / "generation_config.json").is_file()
    from_folder = translate(ready, SAMPLE_TEXT[:3], tmp_path / "unused", backend="ctranslate2",
                            compute_type="float32", tokenizer=model)
    assert as_tuples(from_folder) == as_tuples(first)
    assert not (tmp_path / "unused").exists()
    with pytest.raises(ValueError, match="CTranslate2 model"):
        TranslateConfig("en", "de", model=str(ready), tokenizer=model)


DAMAGES = {
    "garbage": lambda weights: weights.write_bytes(bytes(range(256)) * 64),
    "cut": lambda weights: weights.write_bytes(weights.read_bytes()[:2000]),
    "deleted": lambda weights: weights.unlink(),
}
"""Ways a ``model.bin`` gets damaged after its conversion."""


def converted_once(model: str, cache: Path) -> tuple[list, Path]:
    """The first translations of ``SAMPLE_TEXT[:3]`` on ctranslate2 float32, and the conversion they made."""
    translations = translate(model, SAMPLE_TEXT[:3], cache, backend="ctranslate2", compute_type="float32")
    return translations, next(p for p in cache.iterdir() if p.is_dir())


def repairs(caught: pytest.WarningsRecorder) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, CorruptCacheWarning)]


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_cached_conversion_is_converted_again(tiny_models, tmp_path, damage):
    model = str(tiny_models["translator"])
    before, converted = converted_once(model, tmp_path)
    DAMAGES[damage](converted / "model.bin")
    with pytest.warns(CorruptCacheWarning) as caught:
        after = translate(model, SAMPLE_TEXT[:3], tmp_path, backend="ctranslate2", compute_type="float32")
    [message] = repairs(caught)
    assert re.fullmatch(rf"the cached CTranslate2 conversion {re.escape(str(converted))} could not be loaded "
                        r"\(.+\); deleted, converted again", message)
    assert as_tuples(after) == as_tuples(before)
    assert [p for p in tmp_path.iterdir() if p.is_dir()] == [converted]


def test_workers_finding_a_damaged_conversion_together_convert_it_once(tiny_models, tmp_path, monkeypatch):
    """Each checks the folder again under the lock, so none deletes the conversion another has just made."""
    model = str(tiny_models["translator"])
    before, converted = converted_once(model, tmp_path)
    DAMAGES["garbage"](converted / "model.bin")
    conversions = []
    convert = translation_backends._convert
    monkeypatch.setattr(translation_backends, "_convert", lambda *args: conversions.append(convert(*args)))
    with pytest.warns(CorruptCacheWarning) as caught, ThreadPoolExecutor(3) as pool:
        after = list(pool.map(lambda _: as_tuples(translate(model, SAMPLE_TEXT[:3], tmp_path, backend="ctranslate2",
                                                            compute_type="float32")), range(3)))
    assert len(conversions) == 1 and len(repairs(caught)) == 1
    assert after == [as_tuples(before)] * 3


def test_a_conversion_that_fails_to_load_again_is_one_error_naming_its_folder(tiny_models, tmp_path, monkeypatch):
    model = str(tiny_models["translator"])
    _, converted = converted_once(model, tmp_path)
    DAMAGES["cut"](converted / "model.bin")
    convert = translation_backends._convert

    def convert_and_cut(*args):
        convert(*args)
        DAMAGES["cut"](converted / "model.bin")

    monkeypatch.setattr(translation_backends, "_convert", convert_and_cut)
    with pytest.warns(CorruptCacheWarning) as caught, pytest.raises(ModelLoadError) as error:
        translate(model, SAMPLE_TEXT[:1], tmp_path, backend="ctranslate2", compute_type="float32")
    assert len(repairs(caught)) == 1
    assert re.fullmatch(rf"could not load the CTranslate2 model in {re.escape(str(converted))} \(.+\): "
                        "a fresh conversion does not load either: check the CTranslate2 version", str(error.value))


def test_a_conversion_that_loads_on_the_cpu_is_kept_when_the_device_refuses_it(tiny_models, tmp_path, monkeypatch):
    """A device problem (a GPU out of memory, a compute type it lacks) is no damage: no reconversion."""
    model = str(tiny_models["translator"])
    converted_once(model, tmp_path)
    translator = translation_backends._translator

    def refuse_float32(folder, options):
        if options["compute_type"] == "float32":
            raise RuntimeError("out of memory")
        return translator(folder, options)

    monkeypatch.setattr(translation_backends, "_translator", refuse_float32)
    monkeypatch.setattr(translation_backends, "_convert", lambda *args: pytest.fail("converted again"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorruptCacheWarning)
        with pytest.raises(ModelLoadError, match=r"\(out of memory\): it loads on the CPU: check the device"):
            translate(model, SAMPLE_TEXT[:1], tmp_path, backend="ctranslate2", compute_type="float32")


def test_a_broken_ready_ctranslate2_folder_is_one_error_and_left_as_it_is(tiny_models, tmp_path):
    """The user's own folder is never deleted: projner cannot make it again."""
    model = str(tiny_models["translator"])
    _, converted = converted_once(model, tmp_path / "cache")
    ready = tmp_path / "ready"
    shutil.copytree(converted, ready)
    DAMAGES["cut"](ready / "model.bin")
    files = {p.name: p.read_bytes() for p in ready.iterdir()}
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorruptCacheWarning)
        with pytest.raises(ModelLoadError) as error:
            translate(ready, SAMPLE_TEXT[:1], tmp_path / "unused", backend="ctranslate2", compute_type="float32",
                      tokenizer=model)
    assert re.fullmatch(rf"could not load the CTranslate2 model in {re.escape(str(ready))} \(.+\): "
                        r"convert the model again \(ct2-transformers-converter\), or give the Hugging Face checkpoint",
                        str(error.value))
    assert {p.name: p.read_bytes() for p in ready.iterdir()} == files


def test_a_ready_ctranslate2_folder_without_tokenizer_files_says_so(tiny_models, tmp_path):
    translate(tiny_models["translator"], SAMPLE_TEXT[:1], tmp_path, backend="ctranslate2", compute_type="float32")
    ready = next(p for p in tmp_path.iterdir() if p.is_dir())
    with pytest.raises(ValueError, match=rf"{ready}: this CTranslate2 folder has no tokenizer files .*copy"):
        TranslateConfig("en", "de", model=str(ready), backend="ctranslate2")


def test_workers_starting_together_convert_once(tiny_models, tmp_path, monkeypatch):
    conversions = []
    convert = translation_backends._convert
    monkeypatch.setattr(translation_backends, "_convert", lambda *args: conversions.append(convert(*args)))
    model = str(tiny_models["translator"])
    with ThreadPoolExecutor(3) as pool:
        folders = set(pool.map(lambda _: translation_backends.convert(model, None, "r1", "float32", tmp_path),
                               range(3)))
    assert len(conversions) == 1 and len(folders) == 1 and (folders.pop() / "model.bin").is_file()


def test_the_fingerprint_names_the_backend_and_the_precision_that_runs(tiny_models):
    def fingerprint(**changes) -> str:
        return Translate(TranslateConfig("en", "de", model=str(tiny_models["translator"]), device="cpu",
                                         **changes)).fingerprint("previous")

    default = fingerprint()
    assert fingerprint(compute_type="int8") == default  # transformers runs in dtype, not compute_type
    assert fingerprint(backend="ctranslate2") == fingerprint(backend="ctranslate2", compute_type="int8")  # auto on CPU
    assert len({default, fingerprint(backend="ctranslate2"), fingerprint(backend="ctranslate2", compute_type="float32"),
                fingerprint(dtype="bfloat16")}) == 4
    assert fingerprint(backend="ctranslate2", dtype="bfloat16") == fingerprint(backend="ctranslate2")


def test_without_ctranslate2_the_choice_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "ctranslate2", None)
    with pytest.raises(ImportError) as error:
        TranslateConfig("en", "de", backend="ctranslate2")
    assert str(error.value) == translation_backends.INSTALL_HINT and "\n" not in str(error.value)
    TranslateConfig("en", "de")  # the default backend needs nothing more
    with pytest.raises(ValueError, match="compute type 'int4'"):
        TranslateConfig("en", "de", compute_type="int4")


def test_each_worker_takes_the_gpu_of_its_rank(monkeypatch):
    import ctranslate2

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 3)
    assert [translation_backends.ctranslate2_device("cuda", rank) for rank in (0, 1, 2, 3)] == [
        ("cuda", 0), ("cuda", 1), ("cuda", 2), ("cuda", 0)]
    assert translation_backends.ctranslate2_device("auto") == ("cuda", 0)
    assert translation_backends.ctranslate2_device("cuda:2", 0) == ("cuda", 2)
    assert translation_backends.resolved_compute_type("auto", "cuda") == "float16"
    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 0)
    assert translation_backends.ctranslate2_device("auto", 1) == ("cpu", 0)
    assert translation_backends.resolved_compute_type("auto") == "int8"


def test_generation_rules_ctranslate2_cannot_follow_are_refused():
    from transformers import GenerationConfig

    vocabulary = ["<s>", "<pad>", "</s>", "<unk>", "a", "b"]
    options = translation_backends.ctranslate2_options(
        GenerationConfig(decoder_start_token_id=2, eos_token_id=2, no_repeat_ngram_size=1, suppress_tokens=[0, 1],
                         bad_words_ids=[[4, 5]], min_new_tokens=3), vocabulary)
    assert options["suppress_sequences"] == [["<s>"], ["<pad>"], ["a", "b"], ["</s>"]]
    assert options["end_token"] == ["</s>"] and options["min_decoding_length"] == 3
    with pytest.raises(ValueError, match="do_sample"):
        translation_backends.ctranslate2_options(GenerationConfig(do_sample=True), vocabulary)


def test_translate_test_runs_on_ctranslate2_cached_and_resumable(tiny_models, tmp_path, fixtures, monkeypatch):
    """Translation, EasyProject back-translation (the tiny translator as the marker model, with its
    own tokenizer) and every other step; a crash resumes, a rerun reuses everything."""
    command = [
        "translate-test", "--dataset", "masakhaner2", "--lang", "yo", "--split", "test",
        "--data-dir", str(fixtures / "masakhaner2"), "--translator", str(tiny_models["translator"]),
        "--ner-model", str(tiny_models["ner"]), "--aligner-model", str(tiny_models["aligner"]),
        "--backtranslation", "--easyproject-model", str(tiny_models["translator"]), "--easyproject-tokenizer", "model",
        "--num-beams", "1", "--max-new-tokens", "8", "--cache-dir", str(tmp_path / "cache"),
        "--translator-backend", "ctranslate2", "--compute-type", "float32", "--report", str(tmp_path / "report.json"),
    ]

    def crash(self, batch, indices):  # the engines pass Project its rows
        raise RuntimeError("interrupted")

    monkeypatch.setattr(Project, "__call__", crash)
    with pytest.raises(RuntimeError, match="interrupted"):
        cli_main(command)
    monkeypatch.undo()
    assert cli_main(command) == 0
    resumed = json.loads((tmp_path / "report.json").read_text())
    steps = list(resumed["timings"])
    assert "translate" in steps and "backtranslate" in steps and resumed["cached_steps"] == steps[:-1]
    assert cli_main(command) == 0
    again = json.loads((tmp_path / "report.json").read_text())
    assert again["cached_steps"] == steps and again["f1"] == resumed["f1"]
    # one conversion served the translator and the back-translator (same model, same quantization)
    assert len([p for p in (tmp_path / "cache" / "ctranslate2").iterdir() if p.is_dir()]) == 1
    # the same run through the library on transformers translates alike (float32), cached apart
    data = load_gold("masakhaner2", "yo", "test", data_dir=str(fixtures / "masakhaner2"),
                     cache_dir=tmp_path / "gold").dataset
    run = RunOptions(translator=str(tiny_models["translator"]), ner_model=str(tiny_models["ner"]),
                     aligner_model=str(tiny_models["aligner"]), cache_dir=str(tmp_path / "cache"), num_beams=1,
                     max_new_tokens=8)
    reference = translate_test(data, "yo", run=run)
    fast = translate_test(data, "yo", run=RunOptions(**(vars(run) | {"translator_backend": "ctranslate2",
                                                                     "compute_type": "float32"})))
    assert "translate" not in reference.report["cached_steps"]
    assert fast.dataset["test"]["translation"] == reference.dataset["test"]["translation"]


def test_translate_train_with_easyproject_on_ctranslate2(tiny_models, tmp_path, fixtures):
    command = [
        "translate-train", "--lang", "sw", "--data-dir", str(fixtures / "conll2003"), "--method", "easyproject",
        "--easyproject-model", str(tiny_models["translator"]), "--easyproject-tokenizer", str(tiny_models["translator"]),
        "--num-beams", "2", "--max-new-tokens", "8", "--keep-partial", "--cache-dir", str(tmp_path / "cache"),
        "--translator-backend", "ctranslate2", "--report", str(tmp_path / "report.json"),
    ]
    assert cli_main(command) == 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["sentences"] == 3 and report["kept"] + sum(report["dropped"].values()) == 3
    converted = [p.name for p in (tmp_path / "cache" / "ctranslate2").iterdir() if p.is_dir()]
    assert [name.rsplit("-", 1)[-1] for name in converted] == ["int8"]
    assert cli_main(command) == 0
    assert json.loads((tmp_path / "report.json").read_text())["cached_steps"] == list(report["timings"])


def test_a_conversion_killed_midway_leaves_nothing_behind_after_the_next_run(tiny_models, tmp_path):
    """Its temporary folder is never taken for a conversion, and the next call removes it."""
    model = str(tiny_models["translator"])
    before, converted = converted_once(model, tmp_path)
    leftover = converted.with_name(converted.name + ".partial-99999")
    shutil.copytree(converted, leftover)
    (leftover / "model.bin").write_bytes(b"cut")
    after = translate(model, SAMPLE_TEXT[:3], tmp_path, backend="ctranslate2", compute_type="float32")
    assert as_tuples(after) == as_tuples(before)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == [converted.name]
