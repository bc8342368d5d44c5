"""The only public entry point: issues client-credentials tokens, publishes its JWKS and which
clients' tokens are revoked, routes each request to its service, limits each client's rate, and
serves the merged OpenAPI document.
"""
