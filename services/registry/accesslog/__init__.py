"""The access log: every provision of personal data, a leaf of a signed Merkle tree; the disclosure."""
