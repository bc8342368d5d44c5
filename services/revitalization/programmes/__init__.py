"""The programme catalogue and each programme's fiscal-year rules."""
