"""Open grants data in the 360Giving standard: public fields only, stable identifiers."""
