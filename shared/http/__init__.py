"""HTTP clients for calls between services (always through the gateway)."""
