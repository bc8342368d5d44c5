from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import create_async_engine

from tests.conftest import running
from tests.shared.conftest import build_sample_app
from tests.support.tokens import TokenFactory


async def test_health_metrics_and_docs(sample: httpx.AsyncClient) -> None:
    assert (await sample.get("/healthz")).json() == {"status": "alive"}
    assert (await sample.get("/readyz")).json() == {"status": "ready"}
    await sample.get("/sample/v1/notes")
    metrics = (await sample.get("/metrics")).text
    assert 'route="/sample/v1/notes"' in metrics
    docs = await sample.get("/sample/docs")
    assert docs.status_code == 200
    assert "/sample/docs/static/swagger-ui-bundle.js" in docs.text
    assert (await sample.get("/sample/docs/static/swagger-ui-bundle.js")).status_code == 200


async def test_readiness_fails_without_database(tokens: TokenFactory, tmp_path: object) -> None:
    app = build_sample_app("postgresql+asyncpg://nobody@127.0.0.1:1/none", tokens)
    async with running(app) as client:
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert (await client.get("/healthz")).status_code == 200


async def test_openapi_documents_problems_and_security(sample: httpx.AsyncClient) -> None:
    document = (await sample.get("/sample/openapi.json")).json()
    assert document["openapi"].startswith("3.1")
    operation = document["paths"]["/sample/v1/notes"]["post"]
    assert operation["operationId"] == "sample_create_note"
    assert "application/problem+json" in operation["responses"]["422"]["content"]
    assert not {"4XX", "5XX"} & set(operation["responses"])
    assert {"400", "401", "403", "409", "413", "415", "422", "500", "503"} <= set(operation["responses"])
    assert {"malformed-json", "idempotency-key-reused"} <= {
        entry["slug"] for entry in operation["x-problem-types"]
    }
    assert operation["security"] == [{"gateway": ["sample:write"]}]
    assert "Idempotency-Key" in {p["name"] for p in operation["parameters"]}
    assert "HTTPValidationError" not in document["components"]["schemas"]


async def test_no_engine_leak_between_apps(sample_db: str) -> None:
    engine = create_async_engine(sample_db)
    await engine.dispose()
