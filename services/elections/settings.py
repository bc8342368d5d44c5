"""Configuration of the elections service: `ELECTIONS_*` environment variables."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class ElectionsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ELECTIONS_", env_ignore_empty=True, extra="ignore")
