"""Corrections after certification and replacement winners."""
