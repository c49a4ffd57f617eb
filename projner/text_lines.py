"""Text files as numbered UTF-8 lines, for every reader of plain-text input (links, sentences, pairs).

A byte that is not UTF-8 is an error naming the file, the line and the column, which a user can find
in an editor, rather than the codec's offset into an unnamed buffer.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable, Iterator

from projner.errors import UserError


class NotUtf8Error(UserError):
    """A line of a text file that does not decode as UTF-8."""


def undecodable(raw: bytes, err: UnicodeDecodeError) -> tuple[str, str]:
    """What is wrong with ``raw`` (the byte and its column) and the text around it, with escapes."""
    shown = raw[max(0, err.start - 20): err.end + 20].decode("utf-8", "backslashreplace").strip()
    if err.start == 0 and raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        read = raw.decode("utf-16", "ignore").strip()  # what the line says, not its NUL bytes
        return "UTF-16 (it starts with UTF-16's byte-order mark), not UTF-8: save it as UTF-8", read[:40]
    return f"not UTF-8 (byte {raw[err.start]:#04x} at column {err.start + 1})", shown


def numbered_lines(path: str | os.PathLike,
                   undecodable_line: Callable[[int, str, str], None] | None = None) -> Iterator[tuple[int, str | None]]:
    """``(number, line)`` for every line of ``path``, numbered from 1, line end included; a byte-order
    mark before the first line is dropped, as editors that write one expect. A line that is not UTF-8
    is a :class:`NotUtf8Error`, or, where ``undecodable_line(number, problem, shown)`` is given (a
    lenient reader that counts it), yielded as None after that call."""
    path = os.fspath(path)
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                problem, shown = undecodable(raw, err)
                if undecodable_line is None:
                    raise NotUtf8Error(f"{path}, line {number}: {problem}: '{shown}'") from None
                undecodable_line(number, problem, shown)
                yield number, None
                continue
            yield number, line.removeprefix("\ufeff") if number == 1 else line
