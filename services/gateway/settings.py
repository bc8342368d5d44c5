"""Configuration of the gateway: `GATEWAY_*` environment variables."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings

UPSTREAM_NAMES = ("registry", "elections", "funds", "revitalization")


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", env_ignore_empty=True, extra="ignore")

    issuer: str = Field(default="jichi-gateway", description="`iss` of every token it signs.")
    token_ttl_seconds: int = Field(default=900, ge=60, le=86_400)
    key_encryption_secret: SecretStr = SecretStr("development-key-encryption-secret")
    key_cache_seconds: float = Field(default=30.0, ge=0.0, description="How often keys are re-read.")

    registry_url: str = "http://127.0.0.1:8001"
    elections_url: str = "http://127.0.0.1:8002"
    funds_url: str = "http://127.0.0.1:8003"
    revitalization_url: str = "http://127.0.0.1:8004"
    upstream_connect_timeout: float = Field(default=2.0, gt=0)
    upstream_read_timeout: float = Field(default=30.0, gt=0)
    upstream_idle_timeout: float = Field(
        default=4.0, gt=0, description="Below the upstreams' keep-alive timeout (uvicorn: 5 s)."
    )
    circuit_failure_threshold: int = Field(default=5, ge=1)
    circuit_cooldown_seconds: float = Field(default=10.0, gt=0)

    redis_url: str = Field(default="", description="Shares rate limits between replicas when set.")
    rate_limit_per_second: float = Field(default=200.0, gt=0, description="Per client, by default.")
    rate_limit_burst: int = Field(default=400, ge=1)
    anonymous_rate_limit_per_second: float = Field(default=20.0, gt=0, description="Per address.")
    anonymous_rate_limit_burst: int = Field(default=40, ge=1)

    def upstream_urls(self) -> dict[str, str]:
        return {name: getattr(self, f"{name}_url") for name in UPSTREAM_NAMES}
