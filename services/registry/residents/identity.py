"""The individual number at rest: a keyed hash to look it up, an encrypted copy to return it.

Both keys are derived from one secret (`REGISTRY_IDENTITY_KEY`) with distinct labels, so the
lookup hash can never be used to decrypt and vice versa. The number itself is never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE_BYTES = 12
_AAD = b"jichi-registry:individual-number:v1"


def _derive(secret: bytes, label: bytes) -> bytes:
    return hmac.new(secret, label, hashlib.sha256).digest()


class IdentityCipher:
    def __init__(self, secret: str) -> None:
        raw = secret.encode()
        self._hash_key = _derive(raw, b"lookup-hash")
        self._aead = AESGCM(_derive(raw, b"encryption"))

    def lookup_hash(self, number: str) -> bytes:
        """HMAC-SHA256 of the number: equal numbers give equal hashes, nothing else can be learnt."""
        return hmac.digest(self._hash_key, number.encode(), "sha256")

    def encrypt(self, number: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, number.encode(), _AAD)

    def decrypt(self, blob: bytes) -> str:
        return self._aead.decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], _AAD).decode()
