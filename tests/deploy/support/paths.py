"""Where things are, and the names every deployment artefact must agree on."""

from pathlib import Path

from deploy.local.platform import HTTP_PROTOCOL

REPO = Path(__file__).resolve().parents[3]
DEPLOY = REPO / "deploy"
K8S = DEPLOY / "k8s"
OVERLAYS = {
    "development": K8S / "overlays" / "development",
    "production": K8S / "overlays" / "production",
}
NAMESPACES = {"development": "jichi-dev", "production": "jichi"}

SERVICES = ("registry", "elections", "funds", "revitalization")
PROCESSES = ("gateway", *SERVICES)

# Kubernetes versions the rendered manifests must be valid for.
KUBERNETES_VERSIONS = ("1.31", "1.34")


def serve_command(process: str) -> list[str]:
    """The application contract's command line of one process: granian for the gateway, uvicorn else."""
    if process == "gateway":
        return ["python", "-m", "services.gateway", "serve", "--host", "0.0.0.0", "--port", "8000"]  # noqa: S104
    return [
        "uvicorn",
        f"services.{process}.app:create_app",
        "--factory",
        "--host",
        "0.0.0.0",  # noqa: S104 - the container's interface, by contract
        "--port",
        "8000",
        "--no-access-log",
        "--http",
        HTTP_PROTOCOL,
    ]


def migrate_command(process: str) -> list[str]:
    return ["python", "-m", f"services.{process}", "migrate"]
