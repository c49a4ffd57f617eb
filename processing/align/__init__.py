"""Word alignment: links and symmetrisation, statistical and neural aligners, AER."""

from projner.lazy import by_module, lazy_exports

EXPORTS = by_module({
    "projner.processing.align.backends": ("make_aligner",),
    "projner.processing.align.links": ("read_pharaoh", "parse_pharaoh", "format_pharaoh", "symmetrize"),
    "projner.processing.align.neural": ("NeuralAligner", "NeuralAlignerConfig"),
    "projner.processing.align.statistical": ("EflomalConfig",),
    "projner.processing.align.refine": ("Refinement", "refine"),
})
__all__, __getattr__ = lazy_exports(__name__, EXPORTS)
