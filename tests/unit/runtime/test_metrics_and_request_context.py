"""/metrics on the shared base app: who may read it, labels that are route templates, and the request's
correlation id (accepted only as a UUID, returned, carried into the commands' metadata)."""

from __future__ import annotations

import io
import json
import logging
import uuid
from pathlib import Path

import pytest
import structlog
from cantiere_events import Producer
from cantiere_runtime import correlation
from cantiere_runtime.errors import UserFacingError
from cantiere_runtime.logging import configure_logging
from cantiere_runtime.metrics import install_metrics
from cantiere_runtime.store import CommandContext
from cantiere_runtime.webapp import base_app
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.testclient import TestClient
from pydantic import SecretStr

from tests.support.metrics import sample

TOKEN = "a-scrape-token-of-at-least-32-characters"
TAX_CODE = "QRTFRD90D57A662X"  # the shape of a tax code, invented


def app_with(token: str | None = None, *, production: bool = False) -> FastAPI:
    # Counters live as long as the process: each test's app counts under a service name of its own.
    app = base_app(title="t", service_name=f"sample-{uuid.uuid4().hex[:8]}", partner="bari", issuers=())
    install_metrics(app, token=SecretStr(token) if token else None, production=production)
    seen: list[uuid.UUID] = []
    app.state.seen = seen

    @app.get("/things/{thing_id}")
    async def thing(thing_id: str) -> dict[str, str]:
        return {"id": thing_id}

    @app.post("/things/{thing_id}/approval")
    async def approve(thing_id: str) -> dict[str, str]:
        seen.append(CommandContext(partner="bari", producer=Producer.REFERRALS, now=None).correlation_id)  # type: ignore[arg-type]
        if thing_id == "refused":
            raise UserFacingError("Non si può.", "Not allowed.")
        if thing_id == "broken":
            raise RuntimeError("a bug")
        return {"approved": thing_id}

    return app


def test_metrics_count_requests_and_commands_by_route_template_never_by_path() -> None:
    app = app_with()
    service = app.state.service_name
    client = TestClient(app)
    client.get(f"/things/{TAX_CODE}")
    client.post("/things/ok-1/approval")
    client.post("/things/refused/approval")
    text = client.get("/metrics").text
    assert sample(text, "cantiere_http_requests_total", service=service, route="/things/{thing_id}", status="200")
    command = {"service": service, "partner": "bari", "command": "POST /things/{thing_id}/approval"}
    assert sample(text, "cantiere_commands_total", **command, outcome="accepted") == 1
    assert sample(text, "cantiere_commands_total", **command, outcome="refused") == 1
    assert TAX_CODE not in text and "ok-1" not in text and "refused/approval" not in text


def test_a_command_that_fails_unexpectedly_is_counted_as_failed() -> None:
    app = app_with()
    answer = TestClient(app, raise_server_exceptions=False).post("/things/broken/approval")
    assert answer.status_code == 500
    text = TestClient(app).get("/metrics").text
    command = {"service": app.state.service_name, "command": "POST /things/{thing_id}/approval"}
    assert sample(text, "cantiere_commands_total", **command, outcome="failed") == 1


def test_the_published_api_and_static_files_are_labelled_by_their_route_or_mount(tmp_path: Path) -> None:
    (tmp_path / "app.css").write_text("body {}")
    app = app_with()
    app.mount("/static", StaticFiles(directory=tmp_path), name="static")
    client = TestClient(app)
    assert client.get("/openapi.json").status_code == client.get("/static/app.css").status_code == 200
    text = client.get("/metrics").text
    for route in ("/openapi.json", "/static"):
        assert sample(text, "cantiere_http_requests_total", service=app.state.service_name, route=route, status="200")
    assert "app.css" not in text


def test_a_path_no_route_answers_is_counted_as_unmatched() -> None:
    app = app_with()
    client = TestClient(app)
    client.get(f"/nowhere/{TAX_CODE}")
    text = client.get("/metrics").text
    service = app.state.service_name
    assert sample(text, "cantiere_http_requests_total", service=service, route="unmatched", status="404")
    assert TAX_CODE not in text


def test_outside_production_without_a_token_anyone_may_scrape() -> None:
    assert TestClient(app_with()).get("/metrics").status_code == 200


def test_in_production_without_a_token_nobody_may_scrape() -> None:
    client = TestClient(app_with(production=True))
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 403


def test_with_a_token_only_its_bearer_may_scrape() -> None:
    client = TestClient(app_with(TOKEN, production=True))
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer not-the-token"}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
    answer = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200 and "cantiere_http_requests_total" in answer.text
    assert answer.headers["content-type"].startswith("text/plain")


def test_the_metrics_route_is_not_in_the_published_api() -> None:
    assert "/metrics" not in TestClient(app_with()).get("/openapi.json").json()["paths"]


def test_a_uuid_request_id_is_kept_returned_and_carried_into_the_command_metadata() -> None:
    app = app_with()
    given = uuid.uuid4()
    answer = TestClient(app).post("/things/ok-1/approval", headers={"X-Request-ID": str(given)})
    assert answer.headers["X-Request-ID"] == answer.headers["X-Correlation-ID"] == str(given)
    assert app.state.seen == [given]


def test_a_correlation_id_header_is_accepted_when_no_request_id_is_given() -> None:
    given = uuid.uuid4()
    answer = TestClient(app_with()).get("/things/a", headers={"X-Correlation-ID": given.hex})
    assert answer.headers["X-Correlation-ID"] == str(given)


@pytest.mark.parametrize(
    "header", [TAX_CODE, "Maria Rossi", "' OR 1=1 --", "0" * 32, str(uuid.UUID(int=0)), "a" * 37, "", "123"]
)
def test_an_id_that_is_not_a_uuid_is_replaced_by_a_new_one(header: str) -> None:
    app = app_with()
    answer = TestClient(app).post("/things/ok-1/approval", headers={"X-Request-ID": header})
    returned = answer.headers["X-Request-ID"]
    assert returned != header and uuid.UUID(returned).int != 0
    assert app.state.seen == [uuid.UUID(returned)]


def test_each_request_without_an_id_gets_its_own_and_commands_outside_a_request_get_a_fresh_one() -> None:
    client = TestClient(app_with())
    first = client.get("/things/a").headers["X-Request-ID"]
    second = client.get("/things/a").headers["X-Request-ID"]
    assert first != second
    assert correlation.current() != correlation.current()  # no request: a new id for each command


def test_standard_library_uvicorn_and_structlog_lines_are_json_with_the_request_correlation() -> None:
    out = io.StringIO()
    try:
        configure_logging("sample", fmt="json", level="INFO", stream=out)
        logging.getLogger("uvicorn.error").info("Started server process [%d]", 4242)
        logging.getLogger("sqlalchemy.engine").warning("pool %s exhausted", "main")
        given = uuid.uuid4()
        TestClient(app_with()).get("/things/a", headers={"X-Request-ID": str(given)})
        structlog.get_logger("cantiere.test").info("done", n=1)
    finally:
        configure_logging("pytest", fmt="console", stream=io.StringIO())
    lines = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]  # each line is JSON
    by_event = {line["event"]: line for line in lines}
    started = by_event["Started server process [4242]"]
    assert (started["logger"], started["level"], started["service"]) == ("uvicorn.error", "info", "sample")
    assert by_event["pool main exhausted"]["level"] == "warning" and "timestamp" in by_event["pool main exhausted"]
    request = by_event["http_request"]
    assert (request["route"], request["status"], request["correlation_id"]) == ("/things/{thing_id}", 200, str(given))
    assert by_event["done"]["n"] == 1 and "correlation_id" not in by_event["done"]


def test_a_concurrent_change_answers_409_with_its_own_code_apart_from_a_refusal() -> None:
    from cantiere_runtime.store import ConcurrencyError

    app = base_app(title="t", service_name=f"sample-{uuid.uuid4().hex[:8]}", partner="bari", issuers=())

    @app.post("/race")
    async def race() -> None:
        raise ConcurrencyError("case-1", expected=3, actual=4)

    answer = TestClient(app).post("/race")
    assert answer.status_code == 409
    assert answer.json()["error"] == "concurrent_change"  # a client may reload and try again; "conflict" is a refusal
