"""A fake referrals responder on a real NATS: answers clearance and contact details like a municipality."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from cantiere_events import Producer
from cantiere_events.subjects import request_subject
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription


@dataclass
class FakeMunicipality:
    """Answers the consortium's questions for one municipality; ``silent`` never answers (timeouts)."""

    partner: str
    cleared: bool = True
    silent: bool = False
    questions: list[dict[str, Any]] = field(default_factory=list)
    _subs: list[Subscription] = field(default_factory=list)

    async def start(self, nc: Client) -> None:
        for question, handler in (("clearance", self._clearance), ("contact-details", self._contact)):
            self._subs.append(
                await nc.subscribe(request_subject(Producer.REFERRALS, self.partner, question), cb=handler)
            )

    async def stop(self) -> None:
        for sub in self._subs:
            await sub.unsubscribe()

    async def _clearance(self, msg: Msg) -> None:
        self.questions.append(json.loads(msg.data))
        if not self.silent:
            await msg.respond(json.dumps({"cleared": self.cleared}).encode())

    async def _contact(self, msg: Msg) -> None:
        self.questions.append(json.loads(msg.data))
        if not self.silent:
            answer = {"status": "ok", "contact": {"phone": "+39 000 1111111", "email": "invented@example.org"}}
            await msg.respond(json.dumps(answer).encode())
