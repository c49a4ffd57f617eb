"""The gold datasets projner reads, with the licence and citation an output inherits from each.

The pipelines fill ``provenance.source_dataset`` from here (``known_source("masakhaner2", config=
"yor", split="test")``) so that every card states the same licence for the same source.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from projner.dataset_cards.provenance import SourceDataset

_MASAKHANER2 = SourceDataset(
    name="masakhane/masakhaner2",
    pretty_name="MasakhaNER 2.0",
    license="cc-by-nc-4.0",
    homepage="https://github.com/masakhane-io/masakhane-ner",
    citation="""@inproceedings{adelani-etal-2022-masakhaner,
  title = "{M}asakha{NER} 2.0: {A}frica-centric Transfer Learning for Named Entity Recognition",
  author = "Adelani, David Ifeoluwa and Neubig, Graham and Ruder, Sebastian and others",
  booktitle = "Proceedings of the 2022 Conference on Empirical Methods in Natural Language Processing",
  year = "2022",
  pages = "4488--4508",
  url = "https://aclanthology.org/2022.emnlp-main.298"
}""",
)

_PANX = SourceDataset(
    name="google/xtreme",
    pretty_name="XTREME PAN-X (WikiANN)",
    license="unknown",
    license_details="WikiANN (PAN-X) states no licence; it is derived from Wikipedia text "
    "(CC BY-SA). Check the terms before redistributing.",
    homepage="https://github.com/google-research/xtreme",
    citation="""@inproceedings{pan-etal-2017-cross,
  title = "Cross-lingual Name Tagging and Linking for 282 Languages",
  author = "Pan, Xiaoman and Zhang, Boliang and May, Jonathan and Nothman, Joel and Knight, Kevin and Ji, Heng",
  booktitle = "Proceedings of the 55th Annual Meeting of the Association for Computational Linguistics",
  year = "2017",
  pages = "1946--1958"
}
@inproceedings{rahimi-etal-2019-massively,
  title = "Massively Multilingual Transfer for {NER}",
  author = "Rahimi, Afshin and Li, Yuan and Cohn, Trevor",
  booktitle = "Proceedings of the 57th Annual Meeting of the Association for Computational Linguistics",
  year = "2019",
  pages = "151--164"
}
@inproceedings{hu-etal-2020-xtreme,
  title = "{XTREME}: A Massively Multilingual Multi-task Benchmark for Evaluating Cross-lingual Generalization",
  author = "Hu, Junjie and Ruder, Sebastian and Siddhant, Aditya and Neubig, Graham and Firat, Orhan and Johnson, Melvin",
  booktitle = "Proceedings of the 37th International Conference on Machine Learning",
  year = "2020"
}""",
)

_CONLL2003 = SourceDataset(
    name="eriktks/conll2003",
    pretty_name="CoNLL-2003 (English)",
    license="other",
    license_name="reuters-corpus-research-only",
    license_details="Derived from the Reuters Corpus (RCV1): the Reuters terms allow research use "
    "only, and the text may not be redistributed without an agreement with Reuters/NIST. A corpus "
    "projected from CoNLL-2003 carries its words' translations and inherits this restriction.",
    homepage="https://www.clips.uantwerpen.be/conll2003/ner/",
    citation="""@inproceedings{tjong-kim-sang-de-meulder-2003-introduction,
  title = "Introduction to the {C}o{NLL}-2003 Shared Task: Language-Independent Named Entity Recognition",
  author = "Tjong Kim Sang, Erik F. and De Meulder, Fien",
  booktitle = "Proceedings of the Seventh Conference on Natural Language Learning at HLT-NAACL 2003",
  year = "2003",
  pages = "142--147"
}""",
)

_EUROPARL_NER = SourceDataset(
    name="ixa-ehu/ner-evaluation-corpus-europarl",
    pretty_name="Europarl-NER",
    license="cc-by-sa-4.0",
    license_details="The NER annotation is licensed CC BY-SA 4.0 by Agerri et al. (2018), as the "
    "corpus repository states; the texts come from the Europarl corpus (Koehn 2005). Share-alike: "
    "data derived from it is released under the same licence, with attribution.",
    homepage="https://github.com/ixa-ehu/ner-evaluation-corpus-europarl",
    citation="""@inproceedings{agerri-etal-2018-building,
  title = "Building Named Entity Recognition Taggers via Parallel Corpora",
  author = "Agerri, Rodrigo and Chung, Yiling and Aldabe, Itziar and Aranberri, Nora and Labaka, Gorka and Rigau, German",
  booktitle = "Proceedings of the Eleventh International Conference on Language Resources and Evaluation (LREC 2018)",
  year = "2018"
}
@inproceedings{koehn-2005-europarl,
  title = "{E}uroparl: A Parallel Corpus for Statistical Machine Translation",
  author = "Koehn, Philipp",
  booktitle = "Proceedings of Machine Translation Summit X: Papers",
  year = "2005",
  pages = "79--86"
}""",
)

KNOWN_SOURCES: dict[str, SourceDataset] = {
    "masakhaner2": _MASAKHANER2,
    "panx": _PANX,
    "conll2003": _CONLL2003,
    "europarl-ner": _EUROPARL_NER,
}
"""projner's short name of each gold dataset → what a card says about it."""


def known_source(name: str, *, config: str | None = None, split: str | None = None) -> SourceDataset:
    """The record for one of :data:`KNOWN_SOURCES`, for the config and split a run read."""
    try:
        source = KNOWN_SOURCES[name]
    except KeyError:
        raise KeyError(
            f"unknown source dataset {name!r}; known: {', '.join(KNOWN_SOURCES)} "
            "(for another dataset build a SourceDataset with its licence and citation)"
        ) from None
    return replace(source, config=config, split=split)


def local_files(*paths: str | os.PathLike) -> SourceDataset:
    """What a card can honestly say about local files: their names, nothing more (the licence is
    recorded as unknown, with how to record it)."""
    files = " + ".join(Path(path).name for path in paths)
    return SourceDataset(
        name=files, license="unknown", citation=None, homepage=None,
        license_details=f"The licence of the input files ({files}) was not recorded: the output inherits it. "
        "Check it before publishing, and record it as source_dataset.license (a Hub licence id) in "
        "<config>/provenance.json, then run `projner export FOLDER`.",
    )
