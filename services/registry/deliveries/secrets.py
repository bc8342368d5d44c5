"""Webhook signing secrets (`whsec_…`, Standard Webhooks): made for a subscription, shown to its
client once, kept encrypted with Fernet under a key derived from `REGISTRY_WEBHOOK_SECRET_KEY`."""

from __future__ import annotations

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet

SECRET_PREFIX = "whsec_"
_SECRET_BYTES = 32


class WebhookSecrets:
    def __init__(self, key: str) -> None:
        derived = hashlib.sha256(b"jichi registry webhook secrets\x00" + key.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    @staticmethod
    def new() -> str:
        return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(_SECRET_BYTES)).decode("ascii")

    def seal(self, secret: str) -> bytes:
        return self._fernet.encrypt(secret.encode())

    def open(self, sealed: bytes) -> str:
        return self._fernet.decrypt(sealed).decode()
