"""Subscriptions (watch-lists): a client names the residents it has a legal basis to follow, each
with its purpose code, and receives only their events: a pull feed per subscription, and webhook
deliveries made by the deliverer process (`deliveries/`)."""
