"""Webhook deliveries of subscriptions: built from the transactional outbox by the deliverer process
(`python -m services.registry deliver`), signed as Standard Webhooks, retried with exponential
backoff, and moved to the subscription's dead-letter list when the attempts run out."""
