"""The access log: every provision of personal data, hash-chained, and the resident's disclosure."""
