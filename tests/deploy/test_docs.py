"""deploy/README.md and deploy/SCALING.md say what the tests rely on."""

import json
import re

from .support.paths import DEPLOY

README = DEPLOY / "README.md"
SCALING = DEPLOY / "SCALING.md"


def test_scaling_quotes_the_recorded_bench_run() -> None:
    """The measured section must agree with the bench report it cites."""
    text = SCALING.read_text()
    heading = "## Measured on this machine"
    assert heading in text
    measured = text.split(heading, 1)[1]
    report = json.loads((DEPLOY.parent / "tests" / "bench" / "results" / "latest.json").read_text())
    figures = {result["scenario"]: result for result in report["results"]}
    assert report["measured_at"][:10] in measured
    assert str(figures["gateway_overhead"]["gateway_to_direct"]) in measured
    assert str(figures["registry_bulk_verification"]["to_single_lookup_rate"]) in measured
    assert str(figures["registry_import"]["import_to_bare_copy"]) in measured


def test_scaling_covers_the_required_topics() -> None:
    text = SCALING.read_text()
    for topic in (
        "stateless",
        "max_db_connections",
        "max_connections",
        "Read replicas",
        "125 million",
        "local-government code",
        "Citus",
        "resident id",
        "access log",
    ):
        assert topic in text, topic


def test_readme_release_phases_use_the_manifest_labels() -> None:
    text = README.read_text()
    selectors = re.findall(r"kubectl apply -k \$O -l '?([^' \n]+(?: [^' \n]+)*)'?", text)
    assert selectors == [
        "app.kubernetes.io/component in (platform,network-policy,config,database)",
        "app.kubernetes.io/component=migration",
    ]
    assert "python -m services.<process> migrate" in text


def test_readme_names_every_deploy_file() -> None:
    text = README.read_text()
    for path in ("docker/Dockerfile", "compose.yaml", ".env.example", "k8s/base/", "SCALING.md"):
        assert f"`{path}" in text, path
