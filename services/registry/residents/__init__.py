"""Residents: registration, life events with bitemporal history, lookups and the municipality extract."""
