"""How transfer degrades with typological distance: gather NER results across languages, measure
each target's URIEL distance from the source language(s), and correlate the two.

``results`` reads projner's reports and the paper's CSVs, ``distance`` computes the distances
(lang2vec), ``correlation`` the statistics, ``render`` the tables and plots, ``build`` ties them
together for ``projner report``.
"""
