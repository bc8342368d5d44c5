"""The change feed: life events as an ordered, durable outbox written with the change itself."""
