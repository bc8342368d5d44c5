"""Eligibility rules of each programme family, each result explained finding by finding."""
