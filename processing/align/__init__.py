"""Word alignment: links and symmetrisation, statistical and neural aligners, AER."""

from projner.lazy import lazy_exports

__all__, __getattr__ = lazy_exports(__name__, {
    "make_aligner": "projner.processing.align.backends",
    "read_pharaoh": "projner.processing.align.links",
    "parse_pharaoh": "projner.processing.align.links",
    "format_pharaoh": "projner.processing.align.links",
    "symmetrize": "projner.processing.align.links",
    "NeuralAlignerConfig": "projner.processing.align.neural",
    "EflomalConfig": "projner.processing.align.statistical",
    "Refinement": "projner.processing.align.refine",
    "refine": "projner.processing.align.refine",
})
