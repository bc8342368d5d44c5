"""Configuration of the registry service: `REGISTRY_*` environment variables."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRY_", env_ignore_empty=True, extra="ignore")

    db_hot_connections: int = Field(
        default=8,
        ge=0,
        description="Connections beyond the pool size lent to the current-record lookup and bulk "
        "verification (read without a transaction).",
    )
    identity_key: SecretStr = Field(
        default=SecretStr("development-identity-key-change-me"),
        description="Secret from which the individual-number lookup HMAC key and encryption key are "
        "derived. The default is for development only: set REGISTRY_IDENTITY_KEY in production, "
        "and never change it without re-keying the stored numbers.",
    )
    log_signing_secret: SecretStr = Field(
        default=SecretStr("development-log-signing-secret-change-me"),
        description="Secret under which the access log's Ed25519 signing key is stored encrypted (the "
        "key itself is made at first start). The default is for development only: set "
        "REGISTRY_LOG_SIGNING_SECRET in production.",
    )
    log_origin: str = Field(
        default="jichi.local/registry/access-log",
        min_length=1,
        max_length=200,
        pattern=r"^[^\n]+$",
        description="The name of this log, the first line of every checkpoint it signs: one per "
        "deployment, so that a verifier cannot be shown another deployment's checkpoints.",
    )
    checkpoint_interval_seconds: float = Field(
        default=60.0,
        ge=0,
        description="How often the access log signs a checkpoint when it has grown (0: only on "
        "demand). Entries newer than the latest checkpoint carry no inclusion proof yet.",
    )
    code_master_refresh_seconds: float = Field(
        default=1.0,
        ge=0,
        description="How often each replica compares its in-memory code master with the latest "
        "recorded change (0: only at start-up and after a change it recorded itself).",
    )
    move_out_advance_days: int = Field(
        default=14,
        ge=0,
        le=60,
        description="How many days ahead a move-out may be recorded (転出予定日); other events "
        "may not be dated after today (Japan time).",
    )
