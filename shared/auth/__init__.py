"""Verification of gateway-issued bearer tokens, and the scope dependencies handlers declare."""
