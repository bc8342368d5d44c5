"""Public pre-election information (no token)."""
