"""projner: silver NER corpora for low-resource languages by annotation projection.

Translate, label, word-align, project (Politov et al., NoDaLiDa 2025), as Hugging Face ``datasets``
stages; ``projner.builders`` reads the gold corpora, ``projner.processing`` holds the stages and
pipelines, ``projner.dataset_cards`` documents what a run produced.
"""

__version__ = "0.1.0"
