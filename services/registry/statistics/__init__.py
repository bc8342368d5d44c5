"""Statistics from the register: population, households and movements (public, no personal data)."""
