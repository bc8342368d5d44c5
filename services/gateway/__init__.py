"""The only public entry point: issues client-credentials tokens, publishes its JWKS, routes each
request to its service, limits each client's rate, and serves the merged OpenAPI document.
"""
