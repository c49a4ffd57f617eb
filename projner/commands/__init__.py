"""One module per ``projner`` sub-command (see :mod:`projner.cli`)."""
