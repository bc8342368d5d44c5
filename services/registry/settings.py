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
        description="Connections beyond the pool size lent to the current-record lookup; at 50 "
        "concurrent lookups, 8 gave 3,300-3,800 lookups/s where 3 gave 2,500 and 5 gave 2,900.",
    )
    identity_key: SecretStr = Field(
        default=SecretStr("development-identity-key-change-me"),
        description="Secret from which the individual-number lookup HMAC key and encryption key are "
        "derived. The default is for development only: set REGISTRY_IDENTITY_KEY in production, "
        "and never change it without re-keying the stored numbers.",
    )
    move_out_advance_days: int = Field(
        default=14,
        ge=0,
        le=60,
        description="How many days ahead a move-out may be recorded (転出予定日); other events "
        "may not be dated after today (Japan time).",
    )
