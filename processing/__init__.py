"""The stages of annotation projection, each a callable for ``Dataset.map(batched=True)``."""
