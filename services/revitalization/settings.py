"""Configuration of the revitalization service: `REVITALIZATION_*` environment variables."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class RevitalizationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REVITALIZATION_", env_ignore_empty=True, extra="ignore")

    db_hot_connections: int = Field(
        default=8,
        ge=0,
        description="Connections beyond the pool size lent, one statement at a time and first come first "
        "served, to the statements run without a transaction: the application listing, the call search, "
        "and a decision's read and its write.",
    )
    hometown_max_municipalities: int = Field(
        default=5,
        ge=1,
        le=100,
        description="How many municipalities one person may hold hometown registrations with at once "
        "(the cap is under discussion, so it is configuration).",
    )
    funder_id: str = Field(
        default="JP-JICHI-LAB",
        description="The funding organisation's identifier in open grants data (360Giving).",
    )
    funder_name: str = Field(default="Local Administration Bureau (jichi)")
    grant_id_prefix: str = Field(
        default="360G-jichi-rev",
        description="Prefix of the stable 360Giving grant identifiers.",
    )
