"""The log's Ed25519 signing key: made at first start, stored encrypted, its public half published.

The private key is kept as PKCS#8 PEM encrypted with Fernet under a key derived from
`REGISTRY_LOG_SIGNING_SECRET`. Several replicas may start at once and each make one; all sign
with the oldest stored key (read again for every checkpoint), so they agree from the first
checkpoint on, and every key ever made stays published so old checkpoints keep verifying.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.ext.asyncio import AsyncSession

from services.registry.accesslog import checkpoint, repository
from shared.values import utc_now


def _cipher(secret: str) -> Fernet:
    derived = hashlib.sha256(b"jichi registry access-log signing key\x00" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


@dataclass(frozen=True, slots=True)
class SigningKey:
    key_id: str
    private_key: Ed25519PrivateKey

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)


def _new_key_values(secret: str) -> dict[str, object]:
    private_key = Ed25519PrivateKey.generate()
    public = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return {
        "key_id": checkpoint.key_id_of(public),
        "public_key": public,
        "private_key": _cipher(secret).encrypt(pem),
        "created_at": utc_now(),
    }


async def signing_key(session: AsyncSession, *, secret: str) -> SigningKey:
    """The newest stored key, made and stored first if there is none."""
    stored = await repository.signing_keys(session)
    if not stored:
        await repository.insert_signing_key(session, _new_key_values(secret))
        stored = await repository.signing_keys(session)
    newest = stored[-1]
    private_key = serialization.load_pem_private_key(
        _cipher(secret).decrypt(newest.private_key), password=None
    )
    if not isinstance(private_key, Ed25519PrivateKey):
        raise TypeError("the stored access-log signing key is not an Ed25519 key")
    return SigningKey(newest.key_id, private_key)
