"""Applications to programmes, their review, and the audit of every transition."""
