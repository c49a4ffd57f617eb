"""``datasets`` builders for the gold corpora projner reads (PAN-X, MasakhaNER 2.0, parallel sets)."""
