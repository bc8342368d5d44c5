"""Placements: the terms people serve, their extensions, and whether they stayed afterwards."""
