"""Database plumbing: one async engine per service, one transaction per request."""
