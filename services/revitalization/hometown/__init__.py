"""Hometown (related-population) registrations."""
