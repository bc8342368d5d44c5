"""Configuration of the gateway: `GATEWAY_*` environment variables."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings

UPSTREAM_NAMES = ("registry", "elections", "funds", "revitalization")


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", env_ignore_empty=True, extra="ignore")

    issuer: str = Field(default="jichi-gateway", description="`iss` of every token it signs.")
    token_ttl_seconds: int = Field(default=900, ge=60, le=86_400, description="Lifetime of issued tokens.")
    key_encryption_secret: SecretStr = Field(
        default=SecretStr("development-key-encryption-secret"),
        description="Encrypts the signing keys at rest; set a random value in production.",
    )
    key_cache_seconds: float = Field(default=30.0, ge=0.0, description="How often keys are re-read.")
    revocations_refresh_seconds: float = Field(
        default=1.0,
        gt=0,
        description="How often the gateway re-reads disabled and rotated clients from its database.",
    )

    registry_url: str = Field(default="http://127.0.0.1:8001", description="Upstream of /registry.")
    elections_url: str = Field(default="http://127.0.0.1:8002", description="Upstream of /elections.")
    funds_url: str = Field(default="http://127.0.0.1:8003", description="Upstream of /funds.")
    revitalization_url: str = Field(
        default="http://127.0.0.1:8004", description="Upstream of /revitalization."
    )
    upstream_connect_timeout: float = Field(default=2.0, gt=0, description="Seconds; then 502.")
    upstream_read_timeout: float = Field(default=30.0, gt=0, description="Seconds to first byte; then 504.")
    upstream_idle_timeout: float = Field(
        default=4.0, gt=0, description="Below the upstreams' keep-alive timeout (uvicorn: 5 s)."
    )
    circuit_failure_threshold: int = Field(
        default=5, ge=1, description="Consecutive upstream failures that open its circuit."
    )
    circuit_cooldown_seconds: float = Field(
        default=10.0, gt=0, description="How long an open circuit fails fast before one trial."
    )

    redis_url: str = Field(default="", description="Shares rate limits between replicas when set.")
    rate_limit_per_second: float = Field(default=200.0, gt=0, description="Per client, by default.")
    rate_limit_burst: int = Field(default=400, ge=1, description="Requests a client may send at once.")
    anonymous_rate_limit_per_second: float = Field(default=20.0, gt=0, description="Per address.")
    anonymous_rate_limit_burst: int = Field(default=40, ge=1, description="Per address.")

    def upstream_urls(self) -> dict[str, str]:
        return {name: getattr(self, f"{name}_url") for name in UPSTREAM_NAMES}
