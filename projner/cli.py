"""The ``projner`` command: parse, hand over to a command module, print. Nothing else lives here.

Each sub-command is a module in :mod:`projner.commands` with ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``; modules import their heavy dependencies inside ``run`` so ``--help`` is quick.
A user's mistake (:class:`projner.errors.UserError`) is one line and exit code 2, like argparse's own
errors; a traceback means a bug, and ``--debug`` shows one for a user error too. Ctrl-C and SIGTERM
(a scheduler's, ``kill PID``) end a command the same way: its ``finally`` blocks run and its worker
processes are stopped, with one line and exit code 130 or 143.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn

from projner import __version__
from projner.errors import UserError

COMMANDS: tuple[str, ...] = (
    "demo", "project-parallel", "align", "aer", "translate-test", "model-transfer", "translate-train",
    "export", "push", "view", "train", "report",
)
"""Sub-command names; ``project-parallel`` lives in ``projner.commands.project_parallel``."""


class Parser(argparse.ArgumentParser):
    """argparse with its usage errors on one line (the usage itself is one ``--help`` away)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {one_line(message)} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="projner",
        description="Annotation projection for cross-lingual NER: project gold entities across "
        "translations and word alignments, and publish the silver corpora as Hugging Face datasets.",
    )
    parser.add_argument("--version", action="version", version=f"projner {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback for errors in the input too")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"projner.commands.{name.replace('-', '_')}")
        sub = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                         help="show a traceback for errors in the input too")
        sub.set_defaults(run=module.run)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the command's process as Ctrl-C is: Python's default for SIGTERM ends the
    process at once, so the ``multiprocessing`` pool of a ``--num-proc`` stage is never terminated
    and its workers, each holding a model, run on for good."""


def _terminate(signum: int, frame: Any) -> None:
    raise Terminated


def _default_sigterm_in_child() -> None:
    """A forked worker ends on SIGTERM at once (as ``Pool.terminate`` expects), not by the parent's handler."""
    if signal.getsignal(signal.SIGTERM) is _terminate:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


os.register_at_fork(after_in_child=_default_sigterm_in_child)


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():  # only the main thread sets handlers
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "run", None) is None:
        parser.print_help()
        return 0
    shown = warnings.showwarning
    warnings.showwarning = _warning_printer(args.command, shown)
    try:
        with _sigterm_as_interrupt():
            return int(args.run(args) or 0)
    except UserError as err:
        if args.debug:
            raise
        print(f"projner {args.command}: error: {one_line(str(err))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as stop:
        if args.debug:
            raise
        return _stopped(args.command, stop)
    except Exception as err:
        stop = _interruption(err)
        if stop is None or args.debug:
            raise
        return _stopped(args.command, stop)
    finally:
        warnings.showwarning = shown


def _interruption(err: BaseException) -> KeyboardInterrupt | None:
    """The Ctrl-C or SIGTERM that ``err`` was raised while unwinding, if any: ``datasets``' pool of a
    ``--num-proc`` stage asks its workers for their results on the way out and raises a
    ``TimeoutError`` in place of the interruption."""
    seen: set[int] = set()
    link: BaseException | None = err
    while link is not None and id(link) not in seen:
        if isinstance(link, KeyboardInterrupt):
            return link
        seen.add(id(link))
        link = link.__context__
    return None


def _stopped(command: str, stop: KeyboardInterrupt) -> int:
    terminated = isinstance(stop, Terminated)
    print(f"projner {command}: {'terminated' if terminated else 'interrupted'}; nothing unfinished was "
          "published, and a rerun reuses the stages the cache holds", file=sys.stderr)
    return 128 + signal.SIGTERM if terminated else 130


def _warning_printer(command: str, shown: Callable) -> Callable:
    """projner's own warnings (a known defect of a file, a label map entry that changes nothing) as
    one line each, like its errors; other libraries' warnings as they print them."""

    def show(message: Warning | str, category: type[Warning], *args: object, **kwargs: object) -> None:
        if category.__module__.partition(".")[0] == "projner":
            print(f"projner {command}: warning: {one_line(str(message))}", file=sys.stderr)
        else:
            shown(message, category, *args, **kwargs)

    return show


def one_line(message: str) -> str:
    """A message on one line, however its parts were joined."""
    return " ".join(message.split())


if __name__ == "__main__":
    sys.exit(main())
