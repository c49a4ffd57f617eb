"""The ``Dataset.map`` stages: thin adapters of the pure core (``align/``, ``project/``, ``text``) to columns."""
