"""Configuration of the funds service: `FUNDS_*` environment variables."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class FundsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FUNDS_", env_ignore_empty=True, extra="ignore")

    max_body_bytes: int = Field(
        default=8 * 1_048_576, ge=1024, description="Reports of 20,000 lines must fit in one filing."
    )
    company_cap_steps_above_10bn: list[tuple[int, int]] = Field(
        default_factory=list,
        description=(
            "Unverified: company donation caps for capital of ¥10bn and more, as JSON "
            "[[capital_at_least, cap], ...]; until set, ¥30M applies from ¥5bn upwards."
        ),
    )
    elections_scopes: str = Field(
        default="elections:read", description="Scopes this service asks for when reading vote totals."
    )

    @field_validator("company_cap_steps_above_10bn")
    @classmethod
    def _above_10bn(cls, steps: list[tuple[int, int]]) -> list[tuple[int, int]]:
        for at_least, cap in steps:
            if at_least < 10_000_000_000 or cap <= 0:
                raise ValueError("each step needs capital_at_least >= 10,000,000,000 and a positive cap")
        return steps
