"""Configuration of the revitalization service: `REVITALIZATION_*` environment variables."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class RevitalizationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REVITALIZATION_", env_ignore_empty=True, extra="ignore")
