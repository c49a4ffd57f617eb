"""The one place for every default model id and default neural alignment setting (the paper's).

Plain constants, no imports: the CLI reads them for ``--help`` without loading anything.
"""

DEFAULT_TRANSLATOR = "facebook/nllb-200-3.3B"
EASYPROJECT_TRANSLATOR = "ychenNLP/nllb-200-3.3B-easyproject"
"""NLLB-200 3.3B fine-tuned by Chen et al. (2023) to carry ``[ ]`` entity markers through translation;
it ships no tokenizer of its own: use the base model's (``tokenizer=DEFAULT_TRANSLATOR``)."""
DEFAULT_NER_MODEL = "FacebookAI/xlm-roberta-large-finetuned-conll03-english"
DEFAULT_ALIGNER_MODEL = "bert-base-multilingual-cased"
DEFAULT_ALIGN_METHOD = "itermax"
"""SimAlign's link extraction the neural aligner uses unless told otherwise, in every command: with
layer 8 and subwords, the best on a real encoder over far scripts and Europarl together
(docs/alignment.md)."""
DEFAULT_ALIGN_LAYER = 8
