"""Settings every service shares; each service subclasses with its own environment prefix."""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Read from `<PREFIX>_*` environment variables (prefix set by the subclass)."""

    model_config = SettingsConfigDict(env_ignore_empty=True, extra="ignore")

    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means the embedded SQLite file under var/.",
    )
    db_statement_cache_size: int = Field(
        default=100,
        ge=0,
        description="asyncpg prepared-statement cache; 0 behind a transaction-mode pooler.",
    )
    db_pool_size: int = Field(
        default=10,
        ge=1,
        description="Database connections one process holds at most (deploy/SCALING.md counts on 10).",
    )
    db_hot_connections: int = Field(
        default=4,
        ge=0,
        description="Connections beyond the pool size lent, one statement at a time, to the reads "
        "answered by one statement without a transaction (PostgreSQL).",
    )
    jwks_url: str = Field(
        default="http://127.0.0.1:8000/.well-known/jwks.json",
        description="The gateway's public keys, which verify every bearer token.",
    )
    revocations_url: str = Field(
        default="http://127.0.0.1:8000/.well-known/revocations.json",
        description="The gateway's list of disabled and rotated clients, whose older tokens are refused.",
    )
    revocations_refresh_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How often that list is re-read: a disabled client's tokens stop within about this long.",
    )
    revocations_max_age_seconds: float = Field(
        default=60.0,
        gt=0,
        description="When that list could not be re-read for this long, every token is refused (503).",
    )
    token_issuer: str = Field(default="jichi-gateway", description="The `iss` a token must carry.")
    page_token_secret: SecretStr = Field(
        default=SecretStr("development-page-token-secret"),
        description="Signs page tokens; set a random value in production.",
    )
    max_body_bytes: int = Field(default=1_048_576, ge=1024, description="Larger request bodies get 413.")
    gateway_url: str = Field(
        default="http://127.0.0.1:8000", description="Where this service calls other services."
    )
    client_id: str = Field(default="", description="This service's own client at the gateway.")
    client_secret: SecretStr = Field(default=SecretStr(""), description="Its secret.")
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR.")
    log_json: bool = Field(default=True, description="JSON lines; false for readable console logs.")
    metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Serve /metrics on this port, and not on the API's; unset: on the API's port.",
    )

    @model_validator(mode="after")
    def _revocations_can_be_fresh(self) -> Self:
        if self.revocations_max_age_seconds <= self.revocations_refresh_seconds:
            raise ValueError("revocations_max_age_seconds must exceed revocations_refresh_seconds")
        return self
