"""AsyncAPI documents of the services' events, generated with FastStream from the contract registry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cantiere_events import Audience, Event, Producer
from cantiere_events.contract import PUBLIC
from fastapi import FastAPI
from fastapi.responses import Response
from faststream import FastStream
from faststream.nats import NatsBroker
from faststream.specification import AsyncAPI

PARTNER = "{partner}"


def _channel(model: type[Event]) -> str:
    assert model.producer is not None
    return f"cantiere.{model.audience.value}.{model.producer.value}.{PARTNER}.{model.event_type}"


def _documenting_handler(model: type[Event]) -> Any:
    async def handler(body: Any) -> None:  # never called: it only carries the payload type
        return None

    handler.__annotations__ = {"body": model, "return": None}
    handler.__name__ = f"on_{model.event_type}"
    return handler


def asyncapi_document(
    *,
    service: Producer,
    consumes: Sequence[tuple[Producer, Audience]] = (),
    server_url: str = "nats://127.0.0.1:4222",
    version: str = "1",
) -> str:
    """The AsyncAPI 3 JSON of what a service publishes and what it consumes (channels are contract subjects)."""
    broker = NatsBroker(server_url)
    for model in PUBLIC.events(producer=service):
        broker.publisher(_channel(model), schema=model, title=model.event_type, description=model.description())
    for producer, audience in consumes:
        for model in PUBLIC.events(producer=producer, audience=audience):
            subscriber = broker.subscriber(
                _channel(model), title=f"{model.event_type} (consumed)", description=model.description()
            )
            subscriber(_documenting_handler(model))
    app = FastStream(
        broker,
        specification=AsyncAPI(
            title=f"Cantiere {service.value} events",
            version=version,
            description="Subjects: cantiere.<audience>.<producer>.<partner>.<EventType>; CloudEvents 1.0 binary mode.",
        ),
    )
    return str(app.schema.to_specification().to_json())


def install_asyncapi(app: FastAPI, **kwargs: Any) -> None:
    """Serve the service's AsyncAPI document at GET /asyncapi.json."""
    document = asyncapi_document(**kwargs)

    @app.get("/asyncapi.json", tags=["docs"], summary="AsyncAPI document of this service's events")
    async def asyncapi() -> Response:
        return Response(document, media_type="application/json")
