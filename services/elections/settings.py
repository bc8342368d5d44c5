"""Configuration of the elections service: `ELECTIONS_*` environment variables."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings
from shared.web.problems import BadRequest
from shared.web.purpose import decode_purpose, encode_purpose


class ElectionsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ELECTIONS_", env_ignore_empty=True, extra="ignore")

    db_hot_connections: int = Field(
        default=8,
        ge=0,
        description="Connections beyond the pool size lent, one statement at a time and first come first "
        "served, to the statements run without a transaction: the reads answered by one statement and "
        "the check-in, recorded with its audit record by one statement.",
    )
    registry_scopes: str = Field(
        default="registry:read registry:address registry:history registry:feed registry:protected "
        "registry:log",
        description="Scopes the service asks the gateway for when it calls the registry. The roll needs "
        "residence history, voters under a protection order are voters too, and reads of the roll are "
        "logged in the registry's access log (registry:log).",
    )
    registry_purpose: str = Field(
        default=encode_purpose("jichi:purpose:election-roll", "選挙人名簿の調製 (公職選挙法第19条・第22条)"),
        description="The purpose of use (利用事由) sent as X-Purpose with every registry read: a code of "
        "GET /registry/v1/purposes, optionally with a description (`code; description*=UTF-8''...`).",
    )

    @field_validator("registry_purpose")
    @classmethod
    def _registry_accepts(cls, value: str) -> str:
        """Refused at start-up, not by the registry on the first roll build."""
        try:
            decode_purpose(value)
        except BadRequest as refused:
            raise ValueError(refused.detail) from None
        return value
