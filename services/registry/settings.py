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
    pseudonym_key: SecretStr = Field(
        default=SecretStr("development-pseudonym-key-change-me"),
        description="Secret from which the per-agency pseudonyms (機関別符号) are derived. The default "
        "is for development only: set REGISTRY_PSEUDONYM_KEY in production; changing it changes "
        "every agency's pseudonyms.",
    )
    webhook_secret_key: SecretStr = Field(
        default=SecretStr("development-webhook-secret-key-change-me"),
        description="Secret under which subscriptions' webhook signing secrets are stored encrypted. "
        "The default is for development only: set REGISTRY_WEBHOOK_SECRET_KEY in production.",
    )
    webhook_private_addresses_allowed: bool = Field(
        default=False,
        description="Let webhooks point at loopback, private and link-local addresses: a development "
        "machine's own receivers (the local platform sets it). Never in a deployment: a subscriber "
        "could make the registry post residents' events inside the platform's network.",
    )
    deliver_poll_seconds: float = Field(
        default=0.5, gt=0, description="How often the deliverer looks for new events and due retries."
    )
    deliver_batch_events: int = Field(
        default=500, ge=1, le=10_000, description="At most this many events in one webhook delivery."
    )
    deliver_timeout_seconds: float = Field(
        default=10.0, gt=0, description="How long a receiver may take to answer a delivery."
    )
    deliver_max_attempts: int = Field(
        default=8,
        ge=1,
        le=50,
        description="Attempts before a delivery goes to the subscription's dead-letter list.",
    )
    deliver_retry_base_seconds: float = Field(
        default=1.0, gt=0, description="The first retry's delay; each further retry doubles it."
    )
    deliver_retry_max_seconds: float = Field(
        default=3600.0, gt=0, description="The longest delay between two attempts."
    )
    deliver_concurrency: int = Field(
        default=16, ge=1, le=256, description="Subscriptions a deliverer process serves at once."
    )
    statistics_min_cell: int = Field(
        default=3,
        ge=1,
        le=1000,
        description="Statistics cells counting from 1 to this minus 1 people are published as null "
        "(suppressed); 1 publishes every cell.",
    )
