"""Questions to a referring municipality over NATS request/reply: clearance and contact details.

No answer within the timeout means no: exclusions fail closed. Contact details are returned to the
caller and never stored or logged here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import structlog
from cantiere_events import Producer
from cantiere_events.subjects import request_subject
from nats.aio.client import Client
from nats.errors import Error as NatsError

from cantiere_placements.domain.values import Clearance

log = structlog.get_logger("cantiere.placements.rpc")


class ReferralsGateway(Protocol):
    """What the placements service asks a referring municipality."""

    async def clearance(
        self, municipality: str, person_id: str, host_vat: str, site_municipality: str, tokens_at_host: Sequence[str]
    ) -> Clearance:
        """May this person be placed at this host? yes / no / no answer."""

    async def contact_details(
        self, municipality: str, person_id: str, requested_by: dict[str, str]
    ) -> dict[str, Any] | None:
        """The person's contact details, if consent allows; None otherwise."""


@dataclass
class NatsReferralsGateway:
    """The gateway over NATS request/reply, with a timeout per question."""

    nc: Client
    timeout: float = 2.0

    async def _ask(self, municipality: str, question: str, body: dict[str, Any]) -> dict[str, Any] | None:
        subject = request_subject(Producer.REFERRALS, municipality, question)
        try:
            reply = await self.nc.request(subject, json.dumps(body).encode(), timeout=self.timeout)
            answer = json.loads(reply.data)
        except (TimeoutError, NatsError, ValueError) as exc:
            log.warning("rpc_no_answer", question=question, municipality=municipality, kind=type(exc).__name__)
            return None
        return answer if isinstance(answer, dict) else None

    async def clearance(
        self, municipality: str, person_id: str, host_vat: str, site_municipality: str, tokens_at_host: Sequence[str]
    ) -> Clearance:
        """Ask the referring municipality; anything but an explicit yes is not a yes."""
        body = {
            "person_id": person_id,
            "host_vat": host_vat,
            "municipality": site_municipality,
            "tokens_at_host": list(tokens_at_host),
        }
        answer = await self._ask(municipality, "clearance", body)
        if answer is None:
            return Clearance.NO_ANSWER
        return Clearance.YES if answer.get("cleared") is True else Clearance.NO

    async def contact_details(
        self, municipality: str, person_id: str, requested_by: dict[str, str]
    ) -> dict[str, Any] | None:
        """The contact details the municipality agrees to share now (consent-checked there)."""
        answer = await self._ask(
            municipality, "contact-details", {"person_id": person_id, "requested_by": requested_by}
        )
        if answer is None or answer.get("status") != "ok" or not isinstance(answer.get("contact"), dict):
            return None
        contact: dict[str, Any] = answer["contact"]
        return contact
