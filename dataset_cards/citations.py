"""BibTeX the cards cite: the paper projner implements, and the models and aligners a run may use.

A card must let a reader credit everything that made the corpus; models are recognised by a
fragment of their Hub id (``facebook/nllb-200-distilled-600M`` → NLLB-200). A model not listed here
is cited by its Hub page, which carries its own citation.
"""

from __future__ import annotations

PAPER_URL = "https://arxiv.org/abs/2501.18750"

PAPER_BIBTEX = """@inproceedings{politov-etal-2025-revisiting,
  title = "Revisiting Projection-based Data Transfer for Cross-Lingual Named Entity Recognition in Low-Resource Languages",
  author = {Politov, Andrei and Shkalikov, Oleh and J{\\"a}kel, Rene and F{\\"a}rber, Michael},
  booktitle = "Proceedings of the Joint 25th Nordic Conference on Computational Linguistics and 11th Baltic Conference on Human Language Technologies (NoDaLiDa/Baltic-HLT 2025)",
  year = "2025",
  address = "Tallinn, Estonia",
  publisher = "University of Tartu Library",
  pages = "499--507",
  url = "https://aclanthology.org/2025.nodalida-1.54/",
  eprint = "2501.18750",
  archivePrefix = "arXiv"
}"""

_NLLB = """@article{nllb-2022,
  title = "No Language Left Behind: Scaling Human-Centered Machine Translation",
  author = "{NLLB Team} and Costa-juss{\\`a}, Marta R. and others",
  journal = "arXiv preprint arXiv:2207.04672",
  year = "2022"
}"""

_XLMR = """@inproceedings{conneau-etal-2020-unsupervised,
  title = "Unsupervised Cross-lingual Representation Learning at Scale",
  author = "Conneau, Alexis and Khandelwal, Kartikay and Goyal, Naman and Chaudhary, Vishrav and Wenzek, Guillaume and Guzm{\\'a}n, Francisco and Grave, Edouard and Ott, Myle and Zettlemoyer, Luke and Stoyanov, Veselin",
  booktitle = "Proceedings of the 58th Annual Meeting of the Association for Computational Linguistics",
  year = "2020",
  pages = "8440--8451"
}"""

_AFROXLMR = """@inproceedings{alabi-etal-2022-adapting,
  title = "Adapting Pre-trained Language Models to {A}frican Languages via Multilingual Adaptive Fine-Tuning",
  author = "Alabi, Jesujoba O. and Adelani, David Ifeoluwa and Mosbach, Marius and Klakow, Dietrich",
  booktitle = "Proceedings of the 29th International Conference on Computational Linguistics",
  year = "2022",
  pages = "4336--4349"
}"""

_MBERT = """@inproceedings{devlin-etal-2019-bert,
  title = "{BERT}: Pre-training of Deep Bidirectional Transformers for Language Understanding",
  author = "Devlin, Jacob and Chang, Ming-Wei and Lee, Kenton and Toutanova, Kristina",
  booktitle = "Proceedings of NAACL-HLT 2019",
  year = "2019",
  pages = "4171--4186"
}"""

_MDEBERTA = """@inproceedings{he-etal-2023-debertav3,
  title = "{DeBERTaV3}: Improving {DeBERTa} using {ELECTRA}-Style Pre-Training with Gradient-Disentangled Embedding Sharing",
  author = "He, Pengcheng and Gao, Jianfeng and Chen, Weizhu",
  booktitle = "The Eleventh International Conference on Learning Representations",
  year = "2023"
}"""

_LABSE = """@inproceedings{feng-etal-2022-language,
  title = "Language-agnostic {BERT} Sentence Embedding",
  author = "Feng, Fangxiaoyu and Yang, Yinfei and Cer, Daniel and Arivazhagan, Naveen and Wang, Wei",
  booktitle = "Proceedings of the 60th Annual Meeting of the Association for Computational Linguistics",
  year = "2022",
  pages = "878--891"
}"""

_AWESOME = """@inproceedings{dou-neubig-2021-word,
  title = "Word Alignment by Fine-tuning Embeddings on Parallel Corpora",
  author = "Dou, Zi-Yi and Neubig, Graham",
  booktitle = "Proceedings of the 16th Conference of the European Chapter of the Association for Computational Linguistics",
  year = "2021",
  pages = "2112--2128"
}"""

_SIMALIGN = """@inproceedings{jalili-sabet-etal-2020-simalign,
  title = "{S}im{A}lign: High Quality Word Alignments without Parallel Training Data using Static and Contextualized Embeddings",
  author = {Jalili Sabet, Masoud and Dufter, Philipp and Yvon, Fran{\\c{c}}ois and Sch{\\"u}tze, Hinrich},
  booktitle = "Findings of the Association for Computational Linguistics: EMNLP 2020",
  year = "2020",
  pages = "1627--1643"
}"""

_EFLOMAL = """@article{ostling-tiedemann-2016-efficient,
  title = "Efficient Word Alignment with {M}arkov {C}hain {M}onte {C}arlo",
  author = {{\\"O}stling, Robert and Tiedemann, J{\\"o}rg},
  journal = "The Prague Bulletin of Mathematical Linguistics",
  volume = "106",
  year = "2016",
  pages = "125--146"
}"""

MODEL_CITATIONS: tuple[tuple[str, str], ...] = (
    ("nllb", _NLLB),
    ("afro-xlmr", _AFROXLMR),
    ("xlm-roberta", _XLMR),
    ("bert-base-multilingual", _MBERT),
    ("mdeberta", _MDEBERTA),
    ("labse", _LABSE),
    ("awesome-align", _AWESOME),
)
"""(fragment of a lower-cased Hub id, BibTeX); the first fragment found wins."""

ALIGNER_CITATIONS: dict[str, str] = {
    "awesome": _AWESOME,
    "awesome-align": _AWESOME,
    "simalign": _SIMALIGN,
    "eflomal": _EFLOMAL,
}
"""Aligner name (as in ``provenance.aligner.name``) → BibTeX."""


def model_citation(model_id: str) -> str | None:
    """The BibTeX of a known model family, or None (the card then links the model's Hub page)."""
    lowered = model_id.lower()
    for fragment, bibtex in MODEL_CITATIONS:
        if fragment in lowered:
            return bibtex
    return None


def aligner_citation(name: str) -> str | None:
    return ALIGNER_CITATIONS.get(name.lower())
