"""Checks of option values that argparse runs, so a bad value is a usage error before any work."""

from __future__ import annotations

import argparse
from pathlib import Path


def positive_int(text: str) -> int:
    """``--limit 0`` or ``--limit -3`` is refused by argparse (exit 2, one line), not by a traceback."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return value


def existing_file(text: str) -> Path:
    """An input file: a missing one, or a folder, is a usage error naming the option before any work."""
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{text}: no such file")
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: is a folder, not a file")
    return path


def language_code(text: str) -> str:
    """A language code projner knows: ``--source zz`` is a usage error naming the option, before any
    input is read."""
    from projner.languages import LanguageError, get_language

    try:
        get_language(text)
    except LanguageError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    return text


def device_name(text: str) -> str:
    """``--device`` the machine can serve, checked before any input is read or model loaded."""
    from projner.processing.runtime import check_device

    try:
        return check_device(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


class Accumulate(argparse.Action):
    """A list option given more than once keeps every value (``--source a.conll --source b.conll``
    is both files), where argparse keeps only the last list; the first occurrence replaces the
    default (``--ner-label-map PER=O`` is that map alone, as before)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        current = getattr(namespace, self.dest, None)
        kept = [] if current is None or current is self.default else list(current)
        setattr(namespace, self.dest, kept + list(values))  # type: ignore[call-overload]
