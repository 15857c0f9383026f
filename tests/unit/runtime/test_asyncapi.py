"""Each service publishes an AsyncAPI document of what it publishes and consumes; monitoring never lists restricted."""

from __future__ import annotations

import json

import httpx
from cantiere_events import Audience, Producer
from cantiere_runtime.asyncapi import asyncapi_document


def _addresses(document: str) -> set[str]:
    return {channel["address"] for channel in json.loads(document)["channels"].values()}


def test_the_referrals_document_lists_its_own_events_and_the_consortium_events_it_follows() -> None:
    doc = asyncapi_document(service=Producer.REFERRALS, consumes=[(Producer.PLACEMENTS, Audience.PUBLIC)])
    addresses = _addresses(doc)
    assert "cantiere.public.referrals.{partner}.ReferralSubmitted" in addresses
    assert "cantiere.restricted.referrals.{partner}.SafetyConstraintsRecorded" in addresses
    assert "cantiere.public.placements.{partner}.InternshipStarted" in addresses
    assert json.loads(doc)["asyncapi"].startswith("3.")


def test_the_monitoring_document_has_no_restricted_channel() -> None:
    doc = asyncapi_document(
        service=Producer.MONITORING,
        consumes=[(Producer.REFERRALS, Audience.PUBLIC), (Producer.PLACEMENTS, Audience.PUBLIC)],
    )
    addresses = _addresses(doc)
    assert addresses and not [a for a in addresses if ".restricted." in a]


async def test_a_service_serves_its_asyncapi_document() -> None:
    from cantiere_referrals.bootstrap import load_settings
    from cantiere_referrals.entrypoints.api import create_app

    app = create_app(load_settings(partner="bari"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        response = await client.get("/asyncapi.json")
    assert response.status_code == 200
    assert "cantiere.public.referrals.{partner}.ReferralSubmitted" in response.text
