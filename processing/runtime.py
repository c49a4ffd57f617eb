"""What the model stages share: which device and precision to run on, and which model version ran.

A stage's cache must change when its model changes but never because the weights were hashed (slow,
and pointless for a Hub commit), so a model is named by id plus the commit it resolves to, or for a
local folder by its files' names, sizes and modification times.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from pathlib import Path
from typing import Any

from projner.processing.fingerprint import stage_fingerprint
from projner.processing.stages.base import ConfigStage

EXECUTION_ONLY = {"fingerprint": False}
"""``field(metadata=EXECUTION_ONLY)`` marks a config field (device, batch size) that changes how a
stage runs but not what it outputs, so it stays out of the stage's fingerprint."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class ModelFields:
    """What :class:`ModelStage` reads from its config besides ``model``: the model's revision, the
    precision it runs in and the device (execution only). Keyword-only, after the config's own fields."""

    revision: str | None = None
    dtype: str = "auto"
    """Precision of a transformers model (auto: bfloat16/float16 on GPU, float32 on CPU)."""
    device: str = dataclasses.field(default="auto", metadata=EXECUTION_ONLY)


def fingerprinted_fields(config: Any) -> dict[str, Any]:
    """A stage config's fields that decide its output (all but the ``EXECUTION_ONLY`` ones)."""
    return {
        f.name: getattr(config, f.name)
        for f in dataclasses.fields(config)
        if f.metadata.get("fingerprint", True)
    }


def model_revision(model: str, revision: str | None = None) -> str | None:
    """The version of ``model`` that will load: a local folder's signature, else the Hub commit.

    Asked once per process; offline and uncached, the revision asked for (or None) is the best
    there is.
    """
    path = Path(model)
    if path.is_dir():
        return "local-" + folder_signature(path)
    return _hub_revision(model, revision)


@functools.cache
def _hub_revision(model: str, revision: str | None) -> str | None:
    """The Hub's commit for ``revision`` (what ``from_pretrained`` will fetch); in offline mode, or
    when the Hub cannot be reached, the commit of the local cache's copy."""
    from huggingface_hub import constants

    if not constants.HF_HUB_OFFLINE:
        try:
            from huggingface_hub import HfApi

            return HfApi().model_info(model, revision=revision).sha or revision
        except Exception:  # noqa: BLE001, S110 - unreachable: fall back to the local cache
            pass
    try:
        from huggingface_hub import try_to_load_from_cache

        cached = try_to_load_from_cache(model, "config.json", revision=revision or "main")
    except Exception:  # noqa: BLE001 - not cached either: the model load itself will report it
        return revision
    return Path(cached).parent.name if isinstance(cached, str) else revision


def folder_signature(path: Path) -> str:
    """Names, sizes and modification times of a model folder's files, hashed (not their contents)."""
    digest = hashlib.sha256()
    for item in sorted(path.iterdir()):
        if item.is_file():
            stat = item.stat()
            digest.update(f"{item.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def projner_cache_root() -> Path:
    """``<datasets cache>/projner``: stage caches and converted models, unless a run names another."""
    import datasets

    return Path(datasets.config.HF_DATASETS_CACHE) / "projner"


def check_device(device: str) -> str:
    """``device`` if this machine can serve it (``auto``, ``cpu``, ``cuda``, ``cuda:N``, ``mps``), else a
    ValueError saying what it has: torch's own answer comes as a traceback at the first model."""
    if device in ("auto", "cpu"):
        return device
    import torch

    try:
        parsed = torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(f"device {device!r} is not one of auto, cpu, cuda, cuda:N, mps") from None
    if parsed.type == "cuda":
        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if not count:
            raise ValueError(f"device {device!r}: this torch sees no CUDA device; use cpu or auto")
        if parsed.index is not None and parsed.index >= count:
            raise ValueError(f"device {device!r}: there are {count} CUDA device(s), cuda:0 to cuda:{count - 1}")
    elif parsed.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(f"device {device!r}: this torch has no MPS device; use cpu or auto")
    return device


def pick_device(device: str = "auto", rank: int | None = None) -> torch.device:  # noqa: F821
    """``auto`` is CUDA where present, else CPU; a CUDA device with a rank spreads ranks over GPUs."""
    import torch

    check_device(device)
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and rank is not None and torch.cuda.device_count() > 1:
        return torch.device(f"cuda:{rank % torch.cuda.device_count()}")
    return torch.device(device)


DTYPES = ("auto", "float32", "bfloat16", "float16")


def pick_dtype(dtype: str, device: torch.device) -> torch.dtype:  # noqa: F821
    """``auto``: bfloat16 on a GPU that has it, float16 on other GPUs, float32 on CPU."""
    import torch

    if dtype not in DTYPES:
        raise ValueError(f"dtype {dtype!r} is not one of {', '.join(DTYPES)}")
    if dtype != "auto":
        return getattr(torch, dtype)
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.float32


def resolved_dtype_name(dtype: str, device: str = "auto") -> str:
    """The precision a stage will really run in, for its fingerprint (``auto`` differs by device)."""
    return str(pick_dtype(dtype, pick_device(device))).removeprefix("torch.")



class ModelStage(ConfigStage):
    """What a ``.map`` stage that runs a model shares: the model loads lazily in each process and is
    never pickled (so ``num_proc`` workers each load their own), and the fingerprint names the model
    id and the version that runs, never a hash of its weights.

    Subclasses set ``stage`` and ``config`` (a dataclass with ``model`` and the :class:`ModelFields`)
    and load ``_model``/``_tokenizer``/``_device`` on first use.
    """

    _model: Any = None
    _tokenizer: Any = None
    _device: Any = None

    def revision(self) -> str | None:
        """The model version that will run (Hub commit or local folder signature)."""
        return model_revision(self.config.model, self.config.revision)

    def fingerprint_params(self) -> dict[str, Any]:
        """The parameters that decide the output: the config's, with the precision resolved."""
        c = self.config
        return fingerprinted_fields(c) | {"dtype": resolved_dtype_name(c.dtype, c.device)}

    def fingerprint(self, previous: str) -> str:
        return stage_fingerprint(previous, self.stage, self.fingerprint_params(),
                                 model_id=self.config.model, revision=self.revision())

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.update(_model=None, _tokenizer=None, _device=None)
        return state
