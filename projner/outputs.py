"""Where projner writes: every output path checked before any work, every file written whole, and
nothing replaced that projner did not write.

A run checks its output paths first (:func:`check_file`, :func:`check_folder`), so a bad path fails
in a second rather than after hours of translation. Files are written to a temporary sibling and
renamed into place (:func:`write_text`, :func:`replacing`), so a crash never leaves half a file; a
run's report is written last and says ``"complete": true`` (:func:`write_report`).
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from projner.errors import UserError

TEMPORARY_PREFIX = ".projner-tmp-"
"""Names of the temporary siblings projner writes into and renames; never a user's file."""


class OutputError(UserError):
    """An output path that cannot be used: a folder where a file is wanted, a user's file, no access."""


def check_file(path: str | os.PathLike, option: str, *, overwrite: bool = False,
               ours: Callable[[Path], bool] | None = None) -> Path:
    """An output file that can be written: not a folder, in a writable folder, and either new,
    written by projner (``ours``) or explicitly ``overwrite``-able. Nothing is created."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{option} {path}: is a folder; give a file name")
    if path.exists() and not overwrite and not (ours is not None and ours(path)):
        raise OutputError(f"{option} {path}: the file exists and projner did not write it; "
                          "choose another name or pass --overwrite")
    _check_writable(path.parent, option, path)
    return path


def check_not_input(path: str | os.PathLike, option: str, inputs: Iterable[str | os.PathLike]) -> None:
    """An output file that is one of the run's input files (by any path or link) is refused,
    ``--overwrite`` or not: the run would replace what it reads."""
    path = Path(path)
    if not path.is_file():
        return
    for given in inputs:
        if Path(given).is_file() and os.path.samefile(path, given):
            raise OutputError(f"{option} {path}: is the input file {given}; write it elsewhere")


def check_folder(path: str | os.PathLike, option: str, *, overwrite: bool = False,
                 ours: Callable[[Path], bool] | None = None, names: re.Pattern[str] | None = None) -> Path:
    """An output folder that can be written: new or empty, projner's own (``ours``), or with
    ``overwrite`` any folder (whose files projner did not write stay as they are). ``names`` matches
    the files the run writes straight into the folder: in a folder that is not projner's, such a file
    is the user's and stops the run, ``overwrite`` or not, since it would be replaced. Nothing is created."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputError(f"{option} {path}: is a file, not a folder")
    if path.is_dir() and any(path.iterdir()) and not (ours is not None and ours(path)):
        if not overwrite:
            raise OutputError(f"{option} {path}: the folder exists and projner did not write it; choose a "
                              "new folder or pass --overwrite (projner never replaces files it did not write)")
        taken = sorted(p.name for p in path.iterdir() if names is not None and names.fullmatch(p.name))
        if taken:
            raise OutputError(f"{option} {path}: holds files projner did not write ({', '.join(taken[:3])}); "
                              "they are never replaced: move them or choose another folder")
    _check_writable(path, option, path)
    return path


def _check_writable(folder: Path, option: str, path: Path) -> None:
    """The nearest existing folder on the way to ``folder`` accepts new files."""
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"{option} {path}: {existing} is a file, not a folder")
    try:  # a real attempt: permissions, read-only mounts and special folders all answer it
        with tempfile.TemporaryFile(dir=existing, prefix=TEMPORARY_PREFIX):
            pass
    except OSError as err:
        raise OutputError(f"{option} {path}: cannot write in {existing} ({err.strerror or err})") from None


@contextlib.contextmanager
def replacing(path: str | os.PathLike, *, binary: bool = False, newline: str | None = None) -> Iterator[IO[Any]]:
    """A stream (UTF-8 text, or ``binary``) to a temporary sibling of ``path``, renamed over ``path``
    when the block ends without error and removed when it fails: ``path`` holds the whole new file or
    is left as it was, for serialisers (``csv``, ``savefig``) that write as they go."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f"{TEMPORARY_PREFIX}{path.name}.")
    try:
        with os.fdopen(handle, "wb" if binary else "w", encoding=None if binary else "utf-8",
                       newline=newline) as stream:
            yield stream
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's 0600 would hide a published file from others
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to a temporary sibling and rename it over ``path``: all of it or nothing."""
    with replacing(path) as stream:
        stream.write(text)
    return Path(path)


def write_json(path: str | os.PathLike, value: Any) -> Path:
    return write_text(path, json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def write_report(path: str | os.PathLike, report: Mapping[str, Any]) -> Path:
    """The run's report, written last, with ``"complete": true`` (a report without it is not one)."""
    return write_json(path, {**report, "complete": True})


def is_report(path: Path) -> bool:
    """Whether ``path`` is a report projner wrote (a JSON object saying ``"complete"``)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(data, dict) and data.get("complete") is True


@contextlib.contextmanager
def staged_folder(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary sibling of ``path`` to fill; renamed to ``path`` when the block ends without error
    (``path`` must not exist yet), removed when it fails."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    own = re.compile(re.escape(f"{TEMPORARY_PREFIX}{path.name}.") + r"[^.]+")  # mkdtemp's suffix has no dot
    for stale in path.parent.glob(f"{glob.escape(TEMPORARY_PREFIX + path.name)}.*"):
        if own.fullmatch(stale.name):  # a killed run's, for this path (not for a sibling named path.name.x)
            shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(dir=path.parent, prefix=f"{TEMPORARY_PREFIX}{path.name}."))
    try:
        yield staging
        staging.chmod(0o777 & ~_umask())  # mkdtemp's 0700, as a plain mkdir would not have it
        os.replace(staging, path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _umask() -> int:
    """The process's file-mode mask (read by setting it, so set back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class InterruptedRunWarning(UserWarning):
    """What a killed run had left in an output folder, and what was done about it."""


def recover_interrupted(folder: str | os.PathLike) -> list[str]:
    """Undo what a killed run left in ``folder``, one line per thing done (a ``finally`` does not run
    on SIGKILL, a scheduler's SIGTERM or power loss). A config swapped out but not yet replaced
    (``.projner-tmp-old-<name>`` without ``<name>``) goes back into place; every other
    ``.projner-tmp-*`` entry is a half-written file or folder and is removed, so that nothing
    stale is published beside the data. The prefix is projner's alone."""
    folder = Path(folder)
    done: list[str] = []
    if not folder.is_dir():
        return done
    for left in sorted(folder.rglob(f"{TEMPORARY_PREFIX}*"), key=lambda p: len(p.parts)):
        if not left.exists() and not left.is_symlink():
            continue  # inside a folder already removed
        retired = left.name.removeprefix(f"{TEMPORARY_PREFIX}old-")
        if left.parent == folder and retired != left.name and not (folder / retired).exists():
            os.replace(left, folder / retired)
            done.append(f"restored {folder / retired} from an interrupted replacement")
        elif left.is_dir() and not left.is_symlink():
            shutil.rmtree(left)
            done.append(f"removed {left}, left half-written by an interrupted run")
        else:
            left.unlink()
            done.append(f"removed {left}, left half-written by an interrupted run")
    return done


def interrupted_leftovers(folder: str | os.PathLike) -> list[Path]:
    """What :func:`recover_interrupted` would clean up in ``folder``."""
    folder = Path(folder)
    return sorted(folder.rglob(f"{TEMPORARY_PREFIX}*")) if folder.is_dir() else []
