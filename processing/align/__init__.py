"""Word alignment: links and symmetrisation, statistical and neural aligners, AER."""
