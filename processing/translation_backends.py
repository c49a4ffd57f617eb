"""The engines behind the Translate stage: ``transformers`` ``generate`` or CTranslate2.

Both take the Hugging Face tokenizer's input ids (source code first, ``</s>`` last) and return, per
input, the ids generated after the decoder start token: the forced target code first, then the
translation, then the end token when the translation ended. Everything else the stage does
(cutting long inputs, sorting by length, decoding, flags) is theirs in common.

The two search alike: with the same weights in float32 they give the same tokens, greedy or beam.
``transformers`` renormalises the log-probabilities after its bans (``no_repeat_ngram_size``,
``suppress_tokens``), as CTranslate2 does, so both beam searches rank with the same scores. One
difference is left: when beam hypotheses end at different lengths, CTranslate2 stops once
``beam_size`` of them have ended, where ``transformers`` goes on while a running one could still
score better, so beam search on a model that ends its sentences can pick another hypothesis.

CTranslate2 runs a converted copy of the model: converted on first use by its own converter into
``cache_dir``, under the model's name, resolved revision and quantization, or a ready CTranslate2
folder (one holding ``model.bin``) taken as it is. The checkpoint's generation config goes with the
copy, and its rules are translated into CTranslate2's options (:func:`ctranslate2_options`). A
conversion in the cache that no longer loads (``model.bin`` cut short, overwritten or deleted) is
deleted with a warning and converted again; a ready folder the user gave is never deleted.
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import json
import os
import shutil
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from projner.processing.model_loading import ModelLoadError, loading
from projner.processing.stage_cache import CorruptCacheWarning

BACKENDS = ("transformers", "ctranslate2")
COMPUTE_TYPES = ("auto", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16",
                 "bfloat16", "float32")
"""``auto``: int8 on CPU, float16 on GPU; the others are CTranslate2's own compute types."""
INSTALL_HINT = "the ctranslate2 translator backend needs CTranslate2: pip install 'projner[fast]'"


class Generator(Protocol):
    """What the Translate stage asks of an engine."""

    end_ids: frozenset[int]

    def generate(self, input_ids: Sequence[Sequence[int]]) -> list[list[int]]:
        """Ids after the decoder start token, per input, in input order (no padding)."""


def require_ctranslate2() -> Any:
    """The ``ctranslate2`` module, or a one-line error saying how to install it."""
    try:
        import ctranslate2
    except ImportError:
        raise ImportError(INSTALL_HINT) from None
    return ctranslate2


def check_backend(backend: str, compute_type: str) -> None:
    if backend not in BACKENDS:
        raise ValueError(f"translator backend {backend!r} is not one of {', '.join(BACKENDS)}")
    if compute_type not in COMPUTE_TYPES:
        raise ValueError(f"compute type {compute_type!r} is not one of {', '.join(COMPUTE_TYPES)}")
    if backend == "ctranslate2":
        require_ctranslate2()


def ctranslate2_device(device: str = "auto", rank: int | None = None) -> tuple[str, int]:
    """``(device, index)`` for CTranslate2: ``auto`` is CUDA where CTranslate2 sees a GPU; ranks
    spread over the GPUs as :func:`~projner.processing.runtime.pick_device` spreads them."""
    gpus = require_ctranslate2().get_cuda_device_count()
    kind, _, index = device.partition(":")
    if kind == "auto":
        kind = "cuda" if gpus else "cpu"
    if kind == "cpu":
        return "cpu", 0
    if index:
        return kind, int(index)
    return kind, (rank % gpus if rank is not None and gpus > 1 else 0)


def resolved_compute_type(compute_type: str, device: str = "auto") -> str:
    """The compute type that will run (``auto`` differs by device), for conversion and fingerprints."""
    if compute_type != "auto":
        return compute_type
    return "float16" if ctranslate2_device(device)[0] == "cuda" else "int8"


# --- transformers ---------------------------------------------------------------------------------


class TransformersGenerator:
    """``model.generate`` with the target code forced as the first token."""

    def __init__(self, model: str, revision: str | None, tokenizer: Any, target_id: int, *, device: Any,
                 dtype: Any, num_beams: int, max_new_tokens: int) -> None:
        from transformers import AutoModelForSeq2SeqLM

        self.tokenizer, self.target_id, self.device = tokenizer, target_id, device
        self.num_beams, self.max_new_tokens = num_beams, max_new_tokens
        with loading("translator", model, revision):
            self.model = AutoModelForSeq2SeqLM.from_pretrained(model, revision=revision, dtype=dtype).to(device).eval()
        # Length is ``max_new_tokens``, per piece; the checkpoint's own ``max_length`` (200 for
        # NLLB-200) would only clash with it.
        self.model.generation_config.max_length = None
        eos = self.model.generation_config.eos_token_id
        self.end_ids = frozenset(eos if isinstance(eos, list) else [eos])

    def generate(self, input_ids: Sequence[Sequence[int]]) -> list[list[int]]:
        import torch

        encoded = self.tokenizer.pad({"input_ids": [list(ids) for ids in input_ids]}, return_tensors="pt")
        with torch.inference_mode():
            generated = self.model.generate(
                **encoded.to(self.device), forced_bos_token_id=self.target_id, num_beams=self.num_beams,
                max_new_tokens=self.max_new_tokens, renormalize_logits=True,
            )
        return [_until_end(row[1:], self.end_ids) for row in generated.tolist()]


def _until_end(ids: list[int], end_ids: frozenset[int]) -> list[int]:
    """``ids`` up to and including the first end token (the padding after it left out)."""
    for position, token in enumerate(ids):
        if token in end_ids:
            return ids[:position + 1]
    return ids


# --- CTranslate2 ----------------------------------------------------------------------------------

UNSUPPORTED_RULES = ("do_sample", "num_beam_groups", "diversity_penalty", "forced_eos_token_id",
                     "begin_suppress_tokens", "encoder_no_repeat_ngram_size", "exponential_decay_length_penalty",
                     "force_words_ids", "sequence_bias")
"""Generation-config settings CTranslate2 has no equivalent for: a checkpoint that sets one is refused."""


def ctranslate2_options(generation: Any, vocabulary: Sequence[str]) -> dict[str, Any]:
    """A checkpoint's ``GenerationConfig`` rules as CTranslate2 ``translate_batch`` options."""
    from transformers import GenerationConfig

    default = GenerationConfig()
    changed = [name for name in UNSUPPORTED_RULES if getattr(generation, name, None) != getattr(default, name, None)]
    if changed:
        raise ValueError(f"the checkpoint's generation config sets {', '.join(changed)}, which the ctranslate2 "
                         "backend cannot follow; use --translator-backend transformers")
    suppressed = [[vocabulary[i]] for i in generation.suppress_tokens or ()]
    suppressed += [[vocabulary[i] for i in ids] for ids in generation.bad_words_ids or ()]
    ngram = generation.no_repeat_ngram_size or 0
    if ngram == 1 and generation.decoder_start_token_id is not None:
        # transformers counts the decoder start token as already generated: with unigram bans it can
        # never come again (with NLLB's ``</s>`` start, the translation never ends).
        suppressed.append([vocabulary[generation.decoder_start_token_id]])
    eos = generation.eos_token_id
    options: dict[str, Any] = {
        "no_repeat_ngram_size": ngram,
        "repetition_penalty": generation.repetition_penalty or 1.0,
        "length_penalty": generation.length_penalty if generation.length_penalty is not None else 1.0,
        "suppress_sequences": suppressed or None,
        # transformers' ``min_length`` counts the decoder start token; both count the target code
        "min_decoding_length": max(1, generation.min_new_tokens or 0, (generation.min_length or 0) - 1),
    }
    if eos is not None:
        options["end_token"] = [vocabulary[i] for i in (eos if isinstance(eos, list) else [eos])]
    return options


def is_ctranslate2_folder(model: str) -> bool:
    return (Path(model) / "model.bin").is_file()


TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")
"""Either one lets ``AutoTokenizer`` load a tokenizer from a folder that holds no model config."""


def check_ctranslate2_tokenizer(model: str, tokenizer: str | None) -> None:
    """A ready CTranslate2 folder holds no Hugging Face tokenizer unless one was copied in; without
    one, ``AutoTokenizer`` blames a missing sentencepiece install, which is the wrong advice."""
    if tokenizer is None and not any((Path(model) / name).is_file() for name in TOKENIZER_FILES):
        raise ValueError(f"{model}: this CTranslate2 folder has no tokenizer files ({', '.join(TOKENIZER_FILES)}); "
                         "copy the original model's tokenizer files into it, or name the tokenizer "
                         "(TranslateConfig.tokenizer)")


def converted_folder(cache_dir: str | os.PathLike, model: str, revision: str | None, quantization: str) -> Path:
    """Where the conversion of ``model`` at ``revision`` (the resolved one) with ``quantization`` lives."""
    digest = hashlib.sha256(f"{model}\0{revision}".encode()).hexdigest()[:12]
    return Path(cache_dir) / f"{Path(model).name}-{digest}-{quantization}"


LoadCheck = Callable[[Path], Exception | None]
"""Loads a CTranslate2 folder as the generator will: the error that stops it, or None."""


def convert(model: str, revision: str | None, resolved_revision: str | None, quantization: str,
            cache_dir: str | os.PathLike, tokenizer: str | None = None, tokenizer_revision: str | None = None,
            load_error: LoadCheck | None = None) -> Path:
    """``model`` in CTranslate2's format under ``cache_dir`` (converted once; a ready folder as is).

    Workers that start together (``num_proc``, engine actors) take turns on a lock file, so one
    converts and the others find its result; the conversion goes to a temporary folder renamed into
    place when complete, so an interrupted one is never taken for done (and its temporary folder is
    removed by the next call, under the lock). ``tokenizer`` stands in for a model that ships none
    (the EasyProject model). A cached conversion damaged since (no ``model.bin``, or one
    ``load_error`` fails on) is deleted with a warning and converted again; that check runs under
    the lock, so a conversion another worker has just made is kept.
    """
    if is_ctranslate2_folder(model):
        return Path(model)
    target = converted_folder(cache_dir, model, resolved_revision, quantization)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.with_name(target.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for leftover in target.parent.glob(f"{glob.escape(target.name)}.partial-*"):
            shutil.rmtree(leftover)  # a conversion killed midway: only the lock's holder converts
        damage = _damage(target, load_error)
        if damage is not None:
            warnings.warn(f"the cached CTranslate2 conversion {target} could not be loaded ({damage}); "
                          "deleted, converted again", CorruptCacheWarning, stacklevel=2)
            shutil.rmtree(target)
        if not target.exists():
            _convert(model, revision, quantization, target, tokenizer, tokenizer_revision)
    return target


def _damage(target: Path, load_error: LoadCheck | None) -> str | None:
    """What keeps the cached conversion at ``target`` from loading; None when it loads or is not made yet.
    A folder there without ``model.bin`` lost it since: the rename puts only complete ones in place."""
    if not target.exists():
        return None
    if not is_ctranslate2_folder(str(target)):
        return "model.bin is missing"
    error = load_error(target) if load_error is not None else None
    return None if error is None else str(error)


def _convert(model: str, revision: str | None, quantization: str, target: Path, tokenizer: str | None,
             tokenizer_revision: str | None) -> None:
    from ctranslate2.converters import TransformersConverter

    class Converter(TransformersConverter):
        """Keeps the checkpoint's generation config, and loads projner's tokenizer for its vocabulary."""

        def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            loaded = super().load_model(model_class, model_name_or_path, **kwargs)
            self.generation_config = loaded.generation_config
            return loaded

        def load_tokenizer(self, tokenizer_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            if tokenizer is None:
                return super().load_tokenizer(tokenizer_class, model_name_or_path, revision=revision, **kwargs)
            return tokenizer_class.from_pretrained(tokenizer, revision=tokenizer_revision, **kwargs)

    partial = target.with_name(f"{target.name}.partial-{os.getpid()}")
    converter = Converter(model, revision=revision, low_cpu_mem_usage=True)
    converter.convert(str(partial), quantization=quantization, force=True)
    converter.generation_config.save_pretrained(partial)
    partial.rename(target)


def _vocabulary(folder: Path) -> list[str]:
    """The converted model's tokens in id order (``shared_vocabulary.json``, or ``.txt`` from
    older converters); its ids are the model's, madeup padding words included."""
    as_json = folder / "shared_vocabulary.json"
    if as_json.is_file():
        return json.loads(as_json.read_text(encoding="utf-8"))
    return (folder / "shared_vocabulary.txt").read_text(encoding="utf-8").splitlines()


def _translator(folder: Path, options: dict[str, Any]) -> Any:
    """A ``ctranslate2.Translator`` on ``folder``; CTranslate2 says RuntimeError for a cut or foreign
    ``model.bin`` or a missing file."""
    return require_ctranslate2().Translator(str(folder), **options)


DAMAGE_CHECK: dict[str, Any] = {"device": "cpu", "compute_type": "auto", "intra_threads": 1}
"""How :func:`convert` loads a cached conversion to tell damage from a device problem: on the CPU, so
that a GPU out of memory or a compute type the GPU lacks never costs a reconversion."""


def _load_error(folder: Path) -> RuntimeError | None:
    """The error loading ``folder`` on the CPU raises, or None: :func:`convert`'s check under its lock."""
    try:
        _translator(folder, DAMAGE_CHECK)
    except RuntimeError as err:
        return err
    return None


def _load_failure(folder: Path, err: RuntimeError, remedy: str) -> ModelLoadError:
    """One line naming the folder that would not load, and what to do about it."""
    return ModelLoadError(f"could not load the CTranslate2 model in {folder} ({err}): {remedy}")


class CTranslate2Generator:
    """``Translator.translate_batch`` with the target code as the target prefix."""

    def __init__(self, folder: Path, target_code: str, *, reconvert: Callable[[LoadCheck], Path] | None,
                 device: str, device_index: int, compute_type: str, num_beams: int, max_new_tokens: int,
                 threads: int) -> None:
        """``reconvert``: ``folder`` is projner's conversion in the cache, and this is :func:`convert`
        for it, called with a load check once the folder fails to load; None for a ready folder the
        user gave, which projner cannot make again and so never deletes."""
        from transformers import GenerationConfig

        options = {"device": device, "device_index": device_index, "compute_type": compute_type,
                   "intra_threads": threads}
        try:
            self.translator = _translator(folder, options)
        except RuntimeError as err:
            if reconvert is None:
                raise _load_failure(folder, err, "convert the model again (ct2-transformers-converter), "
                                    "or give the Hugging Face checkpoint") from None
            folder = reconvert(_load_error)
            try:
                self.translator = _translator(folder, options)
            except RuntimeError as still:
                raise _load_failure(folder, still, "it loads on the CPU: check the device and compute type"
                                    if _load_error(folder) is None else
                                    "a fresh conversion does not load either: check the CTranslate2 version") from None
        self.vocabulary = _vocabulary(folder)
        self.ids = {token: index for index, token in enumerate(self.vocabulary)}
        generation = (GenerationConfig.from_pretrained(folder) if (folder / "generation_config.json").is_file()
                      else GenerationConfig())
        self.options = ctranslate2_options(generation, self.vocabulary)
        self.options |= {"beam_size": num_beams, "max_decoding_length": max_new_tokens}
        model_eos = json.loads((folder / "config.json").read_text(encoding="utf-8"))["eos_token"]
        self.end_ids = frozenset(self.ids[token] for token in self.options.get("end_token", [model_eos]))
        self.target_code = target_code

    def generate(self, input_ids: Sequence[Sequence[int]]) -> list[list[int]]:
        source = [[self.vocabulary[i] for i in ids] for ids in input_ids]
        results = self.translator.translate_batch(
            source, [[self.target_code]] * len(source), max_input_length=0, return_end_token=True, **self.options)
        return [[self.ids[token] for token in result.hypotheses[0]] for result in results]
