"""Training NER taggers on silver (or gold) corpora and scoring them on a gold split.

Two backends share the data loading (:mod:`.data`) and the scoring (:mod:`.scoring`): a
feature-based CRF (:mod:`.crf`) that compares silver corpora on a CPU in minutes, and a
``transformers`` token-classification fine-tune (:mod:`.transformer`) for the taggers users ship.
"""
