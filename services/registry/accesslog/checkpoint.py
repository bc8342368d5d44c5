"""The signed checkpoint of the log (pure): RFC 9162's signed tree head, in the C2SP checkpoint form.

The signed text is ``<origin>\\n<tree size>\\n<base64 root hash>\\n<signed at, RFC 3339>\\n``,
signed with Ed25519. A key's id is the first eight bytes of SHA-256 of its raw public key, in
hex, so anyone can check that a published key has the id it claims.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def body(*, origin: str, tree_size: int, root_hash: bytes, signed_at: str) -> bytes:
    return f"{origin}\n{tree_size}\n{base64.b64encode(root_hash).decode()}\n{signed_at}\n".encode()


def key_id_of(public_key: bytes) -> str:
    return hashlib.sha256(public_key).digest()[:8].hex()


def signature_is_valid(public_key: bytes, signed: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, signed)
    except (InvalidSignature, ValueError):
        return False
    return True
