"""Names a package exports but imports only on first use, so ``import projner`` (and
``projner --help``) stays quick while ``from projner import translate_train`` works."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

Exports = Mapping[str, str]
"""Exported name → the module that defines it."""


def by_module(modules: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """``{module: (name, ...)}`` as ``{name: module}``."""
    return {name: module for module, names in modules.items() for name in names}


def lazy_exports(package: str, exports: Exports) -> tuple[list[str], Callable[[str], Any]]:
    """``__all__`` and the module ``__getattr__`` of ``package``: each name of ``exports`` is read
    from its module when first asked for."""

    def __getattr__(name: str) -> Any:
        if name in exports:
            return getattr(importlib.import_module(exports[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return sorted(exports), __getattr__
