"""NATS request/reply for the consortium: answers go only to the requester's inbox, never to a stream.

Subjects: ``cantiere.rpc.referrals.<partner>.contact-details`` and ``...clearance``.
A malformed or refused request gets ``{"status": "refused"}`` (clearance: ``{"cleared": false}``):
the reply never says why, and nothing personal is logged.
"""

from __future__ import annotations

import json
from typing import Any

import structlog
from cantiere_events import Producer
from cantiere_events.subjects import request_subject
from cantiere_events.values import KeepApartToken, MunicipalityCode, PersonId, VatNumber
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cantiere_referrals.adapters.vault import Reader
from cantiere_referrals.service_layer.consortium import clearance, contact_details
from cantiere_referrals.service_layer.handlers import Referrals

log = structlog.get_logger("cantiere.referrals.rpc")


class Requester(BaseModel):
    """The consortium user asking (pseudonymous id and role), recorded in the audit log."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)
    user_id: str = Field(pattern=r"^[A-Za-z0-9_:-]{1,64}$")
    role: str = Field(pattern=r"^[a-z_]{1,40}$")
    partner: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")


class ContactDetailsRequest(BaseModel):
    """Request body on ``...contact-details``."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)
    person_id: PersonId
    requested_by: Requester


class ClearanceRequest(BaseModel):
    """Request body on ``...clearance``."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)
    person_id: PersonId
    host_vat: VatNumber
    municipality: MunicipalityCode
    tokens_at_host: tuple[KeepApartToken, ...] = Field(default=(), max_length=500)


class Responder:
    """Subscribes to this municipality's request subjects and answers them."""

    def __init__(self, svc: Referrals, partner: str) -> None:
        self.svc = svc
        self.partner = partner
        self._subs: list[Subscription] = []

    async def start(self, nc: Client) -> None:
        subject = request_subject(Producer.REFERRALS, self.partner, "contact-details")
        self._subs.append(await nc.subscribe(subject, queue="referrals", cb=self._contact))
        subject = request_subject(Producer.REFERRALS, self.partner, "clearance")
        self._subs.append(await nc.subscribe(subject, queue="referrals", cb=self._clearance))
        # The server knows the interest once it has answered a PING: a service reported ready must answer at once,
        # never "no responders" to a request sent from another connection a moment after start.
        await nc.flush()

    async def stop(self) -> None:
        for sub in self._subs:
            await sub.unsubscribe()
        self._subs.clear()

    async def _contact(self, msg: Msg) -> None:
        answer: dict[str, Any] = {"status": "refused"}
        try:
            req = ContactDetailsRequest.model_validate_json(msg.data)
            reader = Reader(req.requested_by.user_id, req.requested_by.role, req.requested_by.partner)
            details = await contact_details(self.svc, req.person_id, reader)
            if details is not None:
                answer = {"status": "ok", "contact": details}
        except ValidationError:
            log.warning("rpc_bad_request", question="contact-details")
        except Exception as exc:  # an error must still answer (no answer would leave the consortium waiting)
            log.error("rpc_failed", question="contact-details", kind=type(exc).__name__)
        await msg.respond(json.dumps(answer).encode())

    async def _clearance(self, msg: Msg) -> None:
        cleared = False
        try:
            req = ClearanceRequest.model_validate_json(msg.data)
            cleared = await clearance(self.svc, req.person_id, req.host_vat, req.municipality, req.tokens_at_host)
        except ValidationError:
            log.warning("rpc_bad_request", question="clearance")
        except Exception as exc:
            log.error("rpc_failed", question="clearance", kind=type(exc).__name__)
        await msg.respond(json.dumps({"cleared": cleared}).encode())
