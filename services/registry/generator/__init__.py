"""Synthetic residents for demos, tests and benchmarks."""
