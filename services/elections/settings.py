"""Configuration of the elections service: `ELECTIONS_*` environment variables."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class ElectionsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ELECTIONS_", env_ignore_empty=True, extra="ignore")

    registry_scopes: str = Field(
        default="registry:read registry:address registry:history registry:feed registry:protected "
        "registry:log",
        description="Scopes the service asks the gateway for when it calls the registry. The roll needs "
        "residence history, voters under a protection order are voters too, and reads of the roll are "
        "logged in the registry's access log (registry:log).",
    )
    registry_purpose: str = Field(
        default="選挙人名簿の調製 (公職選挙法第19条・第22条)",
        max_length=200,
        description="The purpose of use (利用事由) sent with every registry read.",
    )
