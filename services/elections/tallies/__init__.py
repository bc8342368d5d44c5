"""Tally sheets: double entry by two clerks, comparison, reconciliation."""
