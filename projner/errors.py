"""The one error type for a user's mistake (a bad file, option, name or setting).

``projner.cli.main`` prints it as one line, ``projner COMMAND: error: …``, and exits with 2, as
argparse does for a bad option; any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations


class UserError(ValueError):
    """A mistake the user can fix: said in one line naming the file, line, option or value.

    A ``ValueError``, so that library callers who catch bad values catch it too; the specific
    errors (a bad CoNLL line, an unknown language, a bad label map, a bad Hub folder) subclass it.
    """
