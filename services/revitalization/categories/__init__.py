"""The register of municipality categories per fiscal year."""
