"""Play a planned programme through the services' real HTTP APIs, as the partners would, day by simulated day.

Before each simulated day the player moves the development clock and waits until every service follows it;
it never writes a database. At the end the clock is left running at real speed from the last simulated day.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from typing import Any

import httpx
import nats
from cantiere_runtime.auth import Role
from cantiere_runtime.clock import set_dev_clock
from cantiere_runtime.identity.dev_users import DEMO_HOSTS
from cantiere_runtime.territory import Territory

from cantiere_simulator.plan import Programme, Step
from cantiere_simulator.tokens import DevTokens

Progress = Callable[[int, int, date], None]
COMPETENCES = ["work.punctuality", "work.teamwork", "kitchen.basic", "retail.shelving", "care.hygiene"]


def _error(answer: httpx.Response) -> str:
    if "json" not in answer.headers.get("content-type", ""):
        return ""
    body = answer.json()
    return str(body.get("error", "")) if isinstance(body, dict) else ""


def _concurrent(answer: httpx.Response) -> bool:
    """A 409 of optimistic concurrency (someone changed the aggregate meanwhile), not a domain refusal."""
    return _error(answer) == "concurrent_change"


class SimulationFailed(RuntimeError):
    """A service refused a step the plan expected to pass (the message names the step, never a person's data)."""


@dataclass
class Services:
    """Where each partner's service answers."""

    referrals: dict[str, str]  # municipality -> base URL of the referrals process serving it
    placements: str
    monitoring: str

    def all(self) -> list[str]:
        return sorted({*self.referrals.values(), self.placements, self.monitoring})


def moment(day: date) -> datetime:
    """The simulated time of a day's work (08:00 UTC, about nine in Bari)."""
    return datetime.combine(day, time(8, 0), UTC)


@dataclass
class Player:
    """Plays one programme; keeps the ids the services gave, by the plan's people, hosts and placements."""

    programme: Programme
    territory: Territory
    services: Services
    tokens: DevTokens
    nats_url: str
    progress: Progress = lambda done, total, day: None
    person_id: dict[int, str] = field(default_factory=dict)
    host_id: dict[int, str] = field(default_factory=dict)
    tutor_id: dict[int, str] = field(default_factory=dict)
    placement_id: dict[str, str] = field(default_factory=dict)
    ends_on: dict[str, str] = field(default_factory=dict)
    allowance_cents: int = 45000
    requests: int = 0  # HTTP requests made (the scale mode's rates)
    done: int = 0  # steps played

    def __post_init__(self) -> None:
        t = self.territory
        # The partners' demo users of the sign-in act, so their pages show the demo's cases as their own.
        self.operator = self.tokens.as_demo_user(Role.PLACEMENT_OPERATOR, t.partners.consortium.code)
        self.officer = self.tokens.as_demo_user(Role.EMPLOYMENT_OFFICER, t.partners.employment_centre.code)
        self.people = {p.n: p for p in self.programme.people}
        self.hosts = {h.n: h for h in self.programme.hosts}

    async def run(self, *, leave_clock_running: bool = True) -> None:
        nc = await nats.connect(self.nats_url)
        js = nc.jetstream()
        steps = self.programme.steps
        played = self.programme.steps[0].day
        try:
            # Idle connections are dropped before the services' keep-alive ends (5 s), never reused as it closes.
            limits = httpx.Limits(keepalive_expiry=1.0)
            async with httpx.AsyncClient(timeout=60, limits=limits) as self.http:
                done = 0
                for played, todays in groupby(steps, key=lambda s: s.day):
                    await self.wait_clock(await set_dev_clock(js, moment(played)))
                    done += await self.play_day(list(todays))
                    self.done = done
                    self.progress(done, len(steps), played)
        finally:
            if leave_clock_running:
                # The clock keeps running at real speed from the last simulated day (see cantiere_runtime.clock).
                await set_dev_clock(js, moment(played) + timedelta(hours=9), rate=1.0)
            await nc.close()

    async def play_day(self, steps: list[Step]) -> int:
        """A day's steps: the hosts' first, then each person's in order, different people at once."""
        for step in [s for s in steps if s.person is None]:
            await getattr(self, step.kind)(step)
        chains: dict[int, list[Step]] = {}
        for step in steps:
            if step.person is not None:
                chains.setdefault(step.person, []).append(step)

        async def chain(own: list[Step]) -> None:
            for step in own:
                await getattr(self, step.kind)(step)

        await asyncio.gather(*(chain(own) for own in chains.values()))
        return len(steps)

    async def wait_clock(self, revision: int, timeout: float = 60.0) -> None:
        """Until every service that acts on a person's path follows the clock's move ``revision``."""
        deadline = asyncio.get_running_loop().time() + timeout
        for url in [self.services.placements, *sorted(set(self.services.referrals.values()))]:
            while True:
                answer = await self.http.get(f"{url}/dev/clock")
                if answer.status_code == 404:
                    raise SimulationFailed(f"{url} does not follow the development clock (CANTIERE_DEV_CLOCK)")
                if answer.status_code == 200 and answer.json()["revision"] >= revision:
                    break
                if asyncio.get_running_loop().time() > deadline:
                    raise SimulationFailed(f"{url} did not follow the development clock in time")
                await asyncio.sleep(0.02)

    async def call(self, method: str, url: str, headers: dict[str, str], body: Any = None, expect: int = 200) -> Any:
        for _ in range(200):
            answer = await self.http.request(method, url, json=body, headers=headers)
            self.requests += 1
            # 503: the service waits for the bus (safety intake not yet flowing); 409 conflict: another step of
            # the same day changed the same host or case meanwhile. Both pass on: try again.
            busy = answer.status_code == 503 or (answer.status_code == 409 and _concurrent(answer))
            if not busy or answer.status_code == expect:
                break
            await asyncio.sleep(0.05)
        if answer.status_code != expect:
            code = _error(answer)
            path = url.split("/", 3)[-1]
            for value in self.person_id.values():
                path = path.replace(value, "<person>")
            raise SimulationFailed(f"{method} /{path}: {answer.status_code} {code} (expected {expect})")
        return answer.json() if answer.content and "json" in answer.headers.get("content-type", "") else None

    def worker(self, n: int, role: Role = Role.SOCIAL_WORKER) -> dict[str, str]:
        person = self.people[n]
        district = person.district if role is Role.SOCIAL_WORKER else None  # Bari's: the district's social worker
        return self.tokens.as_demo_user(role, person.municipality, district)

    def referrals(self, n: int, path: str = "") -> str:
        return f"{self.services.referrals[self.people[n].municipality]}/people/{self.person_id[n]}{path}"

    def placement(self, step: Step, path: str = "") -> str:
        return f"{self.services.placements}/placements/{self.placement_id[step.data['key']]}{path}"

    def tutor(self, host: int) -> dict[str, str]:
        consortium = self.territory.partners.consortium.code
        return self.tokens.headers(Role.COMPANY_TUTOR, consortium, f"sim-tutor-{host}", host_id=self.host_id[host])

    async def until_candidate(self, n: int, timeout: float = 30.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        url = f"{self.services.placements}/candidates/{self.person_id[n]}"
        while (await self.http.get(url, headers=self.operator)).status_code != 200:
            if asyncio.get_running_loop().time() > deadline:
                raise SimulationFailed(f"the referral of person {n} did not reach the consortium")
            await asyncio.sleep(0.05)

    # --- the steps (see plan.py), one method each, named as in the plan ---

    async def register_host(self, step: Step) -> None:
        assert step.host is not None
        registration = self.hosts[step.host].registration()
        if step.host <= len(DEMO_HOSTS):  # the sign-in's demo company tutors work at hosts 1 and 2
            answer = await self.call("PUT", f"{self.services.placements}/hosts/{DEMO_HOSTS[step.host - 1]}",
                                     self.operator, registration, expect=201)  # fmt: skip
        else:
            answer = await self.call("POST", f"{self.services.placements}/hosts", self.operator, registration,
                                     expect=201)  # fmt: skip
        self.host_id[step.host] = answer["host_id"]
        self.tutor_id[step.host] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"cantiere-simulator/tutor/{step.host}"))
        await self.call("POST", f"{self.services.placements}/hosts/{answer['host_id']}/tutors", self.operator,
                        {"tutor_id": self.tutor_id[step.host]})  # fmt: skip

    async def refer(self, step: Step) -> None:
        assert step.person is not None
        p, worker = self.people[step.person], self.worker(step.person)
        body = {
            "personal_data": p.personal_data(), "district": p.district,
            "profile": {"education_level": "lower_secondary", "languages": ["it"], "availability": ["mornings"],
                        "preferred_sectors": ["56.10"], "care_needs": ["childcare"] if p.female else []},
        }  # fmt: skip
        base = self.services.referrals[p.municipality]
        self.person_id[p.n] = (await self.call("POST", f"{base}/people", worker, body, expect=201))["id"]
        scopes = [
            "share_with_consortium",
            "aggregate_statistics",
            "minimal_data_to_host",
            "share_with_employment_centre",
        ]
        scopes += ["share_contact_details"] if p.contact_consent else []
        for scope in scopes:
            await self.call(
                "POST", self.referrals(p.n, "/consents"), worker, {"scope": scope, "form_version": "2008-1"}
            )
        cared = (step.day - timedelta(days=40)).isoformat()
        eligibility = {"taken_into_care_on": cared, "category": p.category, "referring_service": p.referring_service}
        await self.call("POST", self.referrals(p.n, "/eligibility"), worker, eligibility)
        apart = [*p.keep_apart_from, *(o.n for o in self.programme.people if p.n in o.keep_apart_from)]
        constraints = {"keep_apart_tax_codes": [self.people[o].tax_code for o in apart], "max_hours_per_week": 30}
        await self.call("PUT", self.referrals(p.n, "/safety-constraints"), worker, constraints)
        await self.call("POST", self.referrals(p.n, "/referrals"), worker, expect=201)

    async def withdraw_referral(self, step: Step) -> None:
        assert step.person is not None
        await self.call("POST", self.referrals(step.person, "/referrals/current/withdrawal"),
                        self.worker(step.person), {"reason": step.data["reason"]})  # fmt: skip

    async def close_referral(self, step: Step) -> None:
        assert step.person is not None
        await self.call("POST", self.referrals(step.person, "/referrals/current/closure"),
                        self.worker(step.person), {"reason": step.data["reason"]})  # fmt: skip

    async def erase(self, step: Step) -> None:
        assert step.person is not None
        manager = self.worker(step.person, Role.MUNICIPAL_MANAGER)
        await self.call("POST", self.referrals(step.person, "/erasure"), manager, {"basis": "data_subject_request"})

    async def withdraw_consent(self, step: Step) -> None:
        assert step.person is not None
        scope = step.data["scope"]
        await self.call("POST", self.referrals(step.person, f"/consents/{scope}/withdrawal"), self.worker(step.person))

    async def decline(self, step: Step) -> None:
        assert step.person is not None
        await self.until_candidate(step.person)
        url = f"{self.services.placements}/candidates/{self.person_id[step.person]}"
        await self.call("POST", f"{url}/decline", self.operator, {"reason": step.data["reason"]})

    async def intake(self, step: Step) -> None:
        assert step.person is not None
        await self.until_candidate(step.person)
        url = f"{self.services.placements}/candidates/{self.person_id[step.person]}"
        await self.call("POST", f"{url}/accept", self.operator)
        await self.call("POST", f"{url}/intake-interview", self.operator, {"held_on": step.day.isoformat()})
        skills = {"competences": [COMPETENCES[step.person % len(COMPETENCES)]], "esco_skills": []}
        await self.call("POST", f"{url}/skills", self.operator, skills)
        first_name = {"first_name": self.people[step.person].first_name}  # what the host's tutor will see
        await self.call("PUT", f"{url}/first-name", self.operator, first_name, expect=204)

    def proposal(self, step: Step) -> dict[str, Any]:
        assert step.person is not None and step.host is not None
        return {"person_id": self.person_id[step.person], "host_id": self.host_id[step.host],
                "hours_per_week": step.data["hours"]}  # fmt: skip

    async def propose_refused(self, step: Step) -> None:
        answer = await self.call("POST", f"{self.services.placements}/placements", self.operator,
                                 self.proposal(step), expect=422)  # fmt: skip
        if answer.get("error") != "refused_keep_apart":
            raise SimulationFailed(f"a keep-apart proposal was refused by {answer.get('error')}, not keep_apart")

    async def propose(self, step: Step) -> None:
        answer = await self.call("POST", f"{self.services.placements}/placements", self.operator,
                                 self.proposal(step), expect=201)  # fmt: skip
        self.placement_id[step.data["key"]] = answer["placement_id"]

    async def reject(self, step: Step) -> None:
        body = {"party": step.data["party"], "reason": step.data["reason"]}
        await self.call("POST", self.placement(step, "/reject"), self.operator, body)

    async def agree(self, step: Step) -> None:
        assert step.host is not None
        d = step.data
        for party in ("person", "host"):
            await self.call("POST", self.placement(step, "/accept"), self.operator, {"party": party})
        agreement = str(uuid.uuid5(uuid.NAMESPACE_URL, f"cantiere-simulator/agreement/{d['key']}"))
        await self.call("POST", self.placement(step, "/agreement"), self.operator,
                        {"agreement_id": agreement, "signed_on": step.day.isoformat()})  # fmt: skip
        project = {
            "objectives": [COMPETENCES[step.host % len(COMPETENCES)]], "promoter_tutor_id": self.tutor_id[step.host],
            "host_tutor_id": self.tutor_id[step.host], "hours_per_week": d["hours"],
            "starts_on": d["start"].isoformat(), "ends_on": d["end"].isoformat(),
            "monthly_allowance_cents": self.allowance_cents,
        }  # fmt: skip
        await self.call("POST", self.placement(step, "/training-project"), self.operator, project)
        await self.call("POST", self.placement(step, "/validate"), self.officer)
        await self.notice(step, "start")

    async def notice(self, step: Step, kind: str) -> None:
        reference = f"CO-{step.data['key']}-{kind[0].upper()}"
        await self.call("POST", self.placement(step, "/notices"), self.operator,
                        {"kind": kind, "reference_number": reference})  # fmt: skip

    async def start(self, step: Step) -> None:
        answer = await self.call("POST", self.placement(step, "/start"), self.operator,
                                 {"started_on": step.data["started_on"].isoformat()})  # fmt: skip
        self.ends_on[step.data["key"]] = answer["ends_on"]

    async def suspend(self, step: Step) -> None:
        body = {"reason": step.data["reason"], "suspended_on": step.data["suspended_on"].isoformat()}
        await self.call("POST", self.placement(step, "/suspend"), self.operator, body)

    async def resume(self, step: Step) -> None:
        answer = await self.call("POST", self.placement(step, "/resume"), self.operator,
                                 {"resumed_on": step.data["resumed_on"].isoformat()})  # fmt: skip
        self.ends_on[step.data["key"]] = answer["ends_on"]

    async def extend(self, step: Step) -> None:
        answer = await self.call("POST", self.placement(step, "/extend"), self.operator,
                                 {"ends_on": step.data["ends_on"].isoformat()})  # fmt: skip
        self.ends_on[step.data["key"]] = answer["ends_on"]
        await self.notice(step, "extension")

    async def attendance(self, step: Step) -> None:
        assert step.host is not None
        d, month = step.data, step.data["month"]
        hours = {"month": month, "planned_hours": str(d["planned"]), "attended_hours": str(d["attended"])}
        await self.call("POST", self.placement(step, "/attendance"), self.tutor(step.host), hours)
        await self.call("POST", self.placement(step, f"/allowances/{month}/calculate"), self.operator)
        await self.call("POST", self.placement(step, f"/allowances/{month}/pay"), self.operator)

    async def interrupt(self, step: Step) -> None:
        d = step.data
        body = {"reason": d["reason"], "initiator": d["initiator"], "interrupted_on": d["interrupted_on"].isoformat()}
        await self.call("POST", self.placement(step, "/interrupt"), self.operator, body)
        await self.notice(step, "end")

    async def complete(self, step: Step) -> None:
        outcome = step.data["outcome"]
        body = {"outcome": outcome, "contract_type": "fixed_term" if outcome == "hired" else None,
                "completed_on": self.ends_on.get(step.data["key"], step.data["completed_on"].isoformat())}  # fmt: skip
        await self.call("POST", self.placement(step, "/complete"), self.operator, body)
        await self.notice(step, "end")

    async def attest(self, step: Step) -> None:
        assert step.person is not None
        body = {"competences": [COMPETENCES[step.person % len(COMPETENCES)]]}
        await self.call("POST", self.placement(step, "/attestation"), self.operator, body)

    async def follow_up(self, step: Step) -> None:
        employed = bool(step.data["employed"])
        body = {"after_months": step.data["after"], "employed": employed,
                "contract_type": "fixed_term" if employed else None, "recorded_on": step.day.isoformat()}  # fmt: skip
        await self.call("POST", self.placement(step, "/follow-ups"), self.operator, body)

    async def close_case(self, step: Step) -> None:
        await self.call("POST", self.placement(step, "/close"), self.operator, {"reason": step.data["reason"]})
