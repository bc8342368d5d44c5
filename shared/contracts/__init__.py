"""API contracts: the request and response models of every service, shared by callee and callers."""
