"""Configuration of the funds service: `FUNDS_*` environment variables."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class FundsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FUNDS_", env_ignore_empty=True, extra="ignore")
