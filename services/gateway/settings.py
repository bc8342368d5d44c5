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
    upstream_max_connections: int = Field(
        default=100, ge=1, description="Open connections to one upstream at most; more requests wait."
    )
    upstream_body_limits: dict[str, int] = Field(
        default_factory=lambda: {"funds": 8 * 1_048_576},
        description=(
            "Request-body limits in bytes per service, as JSON, where a service accepts more than "
            "max_body_bytes (funds takes filings of 8 MiB); 413 above them."
        ),
    )

    # The HTTP server's own bounds (granian): what reaches the application at all.
    max_header_bytes: int = Field(
        default=65_536,
        ge=8_192,
        description="Request line and headers together; larger → 431 (more than 100 header lines → 431 too).",
    )
    header_read_timeout: float = Field(
        default=10.0,
        gt=0,
        le=60,
        description="Seconds for a request's line and headers to arrive; then the connection is closed.",
    )
    body_read_timeout: float = Field(
        default=10.0, gt=0, description="Seconds the next part of a request body may take; then 408."
    )
    body_total_timeout: float = Field(
        default=120.0, gt=0, description="Seconds a whole request body may take; then 408."
    )
    max_concurrent_requests: int = Field(
        default=1_024, ge=1, description="Requests served at once; further connections wait to be accepted."
    )
    trusted_proxies: str = Field(
        default="",
        description=(
            "Addresses or networks (comma-separated) of proxies whose X-Forwarded-For is believed; "
            "from any other peer the socket's address is the client's."
        ),
    )
    circuit_failure_threshold: int = Field(
        default=5, ge=1, description="Consecutive upstream failures that open its circuit."
    )
    circuit_cooldown_seconds: float = Field(
        default=10.0, gt=0, description="How long an open circuit fails fast before one trial."
    )

    redis_url: str = Field(
        default="", description="Shares rate limits and token lockouts between replicas when set."
    )
    rate_limit_per_second: float = Field(default=200.0, gt=0, description="Per client, by default.")
    rate_limit_burst: int = Field(default=400, ge=1, description="Requests a client may send at once.")
    anonymous_rate_limit_per_second: float = Field(default=20.0, gt=0, description="Per address.")
    anonymous_rate_limit_burst: int = Field(default=40, ge=1, description="Per address.")

    token_rate_per_address: float = Field(
        default=2.0, gt=0, description="Token requests per second from one address."
    )
    token_burst_per_address: int = Field(default=20, ge=1, description="Token requests at once, per address.")
    token_rate_per_client: float = Field(
        default=1.0, gt=0, description="Token requests per second for one client id."
    )
    token_burst_per_client: int = Field(
        default=10, ge=1, description="Token requests at once, per client id."
    )
    token_lockout_after: int = Field(
        default=5, ge=1, description="Consecutive failed authentications that lock a client id or address."
    )
    token_lockout_seconds: float = Field(
        default=2.0, gt=0, description="The first lockout; each further failure doubles it."
    )
    token_lockout_max_seconds: float = Field(default=900.0, gt=0, description="The longest lockout.")
    password_hash_concurrency: int = Field(
        default=0,
        ge=0,
        description="argon2 verifications running at once; 0 means one per core.",
    )

    def upstream_urls(self) -> dict[str, str]:
        return {name: getattr(self, f"{name}_url") for name in UPSTREAM_NAMES}
