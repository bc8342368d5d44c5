"""HTTP plumbing every service and the gateway install: problems, context, paging, idempotency."""
