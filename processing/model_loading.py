"""A model that cannot be loaded, said with what it was for and its id.

``from_pretrained`` names neither when the Hub cannot be reached ("We couldn't connect to
'https://huggingface.co' …"), so a run with three models would leave the user guessing which one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from projner.errors import UserError


class ModelLoadError(UserError):
    """A model or tokenizer ``from_pretrained`` could not load: no network, a wrong id or folder."""


@contextmanager
def loading(role: str, model: str, revision: str | None = None) -> Iterator[None]:
    """Re-raise a failed load inside the block as :class:`ModelLoadError` naming ``role`` and ``model``."""
    try:
        yield
    except (OSError, ValueError) as err:
        if isinstance(err, UserError):
            raise
        at = f" at revision {revision!r}" if revision else ""
        raise ModelLoadError(f"could not load the {role} {model!r}{at}: {err}") from err
