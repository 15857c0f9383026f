"""The programme as a plan: every step of every partner, on its simulated day, from a scenario and its seed.

Pure: no I/O and no clock; the same scenario and seed give the same plan (and the same tally), step for step.
"""

from __future__ import annotations

import random
from calendar import monthrange
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from cantiere_runtime.territory import Territory

from cantiere_simulator.invented import birth_date, invented_name
from cantiere_simulator.people import DECLINED, NO_PLACEMENT, PLACED, WITHDRAWN, Host, Person
from cantiere_simulator.scenario import Scenario

SECTORS = ["56.10.11", "47.11", "88.10", "81.21", "10.71", "96.01", "55.10", "82.99"]
CATEGORIES = ["domestic_violence", "gender_based_violence", "stalking", "sexual_violence", "witnessed_violence"]
# What a placement's state is after a step (the consortium's own names); other steps leave it as it is.
PLACEMENT_STATUS = {"propose": "proposed", "reject": "rejected", "agree": "agreed", "start": "running",
                    "suspend": "suspended", "resume": "running", "interrupt": "interrupted",
                    "complete": "completed", "close_case": "closed"}  # fmt: skip
SERVICES = ["anti_violence_centre", "anti_violence_centre", "shelter", "social_services", "law_enforcement"]


@dataclass(frozen=True)
class Step:
    """One thing a partner does on a simulated day (``order`` keeps the plan's order within the day)."""

    day: date
    order: int
    kind: str
    person: int | None = None
    host: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Tally:
    """What the simulator did, counted as monitoring should count it (people who consent to statistics)."""

    referred: Counter[str] = field(default_factory=Counter)  # by municipality
    started: Counter[str] = field(default_factory=Counter)
    placement_status: dict[str, str] = field(default_factory=dict)  # placement key -> final status
    keep_apart: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Programme:
    """The plan of a whole programme: its cast, its steps in order, its expected tally, its last day."""

    people: list[Person]
    hosts: list[Host]
    steps: list[Step]
    tally: Tally

    @property
    def last_day(self) -> date:
        return max(s.day for s in self.steps)


def month_end(day: date) -> date:
    return day.replace(day=monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, monthrange(year, month + 1)[1]))


def next_month_start(day: date) -> date:
    return month_end(day) + timedelta(days=1)


class _Planner:
    def __init__(self, scenario: Scenario, territory: Territory) -> None:
        self.s, self.t = scenario, territory
        self.rng = random.Random(scenario.seed)
        self.steps: list[Step] = []
        self.tally = Tally()
        self.host_load: Counter[int] = Counter()
        self.at_host: dict[int, set[int]] = {}  # host -> people proposed or placed there

    def step(self, day: date, kind: str, person: int | None = None, host: int | None = None, **data: Any) -> None:
        self.steps.append(Step(day, len(self.steps), kind, person, host, data))

    def between(self, span: tuple[int, int]) -> int:
        return self.rng.randint(*span)

    def cast(self) -> list[Person]:
        s, rng = self.s, self.rng
        slots = [m for m, n in s.referred.items() for _ in range(n)]
        rng.shuffle(slots)
        paths = [DECLINED] * s.declined + [WITHDRAWN] * s.withdrawn_and_erased + [NO_PLACEMENT] * s.no_placement
        paths += [PLACED] * (len(slots) - len(paths))
        rng.shuffle(paths)
        people: list[Person] = []
        for n, (municipality, path) in enumerate(zip(slots, paths, strict=True), start=1):
            female = rng.random() < 0.9
            districts = [d.code for d in self.t.municipality(municipality).districts]
            while True:  # one tax code, one person: the municipality refuses a code registered twice
                first, surname = invented_name(rng, female)
                person = Person(
                    n, municipality, rng.choice(districts) if districts else None, first, surname,
                    birth_date(rng, s.referrals_from), female, rng.choice(CATEGORIES), rng.choice(SERVICES),
                    rng.random() < s.contact_consent_rate, path,
                )  # fmt: skip
                if person.tax_code not in {p.tax_code for p in people}:
                    break
            people.append(person)
        return self.pair(people)

    def pair(self, people: list[Person]) -> list[Person]:
        """Keep-apart pairs across municipalities: a victim, and an author of violence admitted exceptionally."""
        placed = [p for p in people if p.path == PLACED]
        for _ in range(self.s.keep_apart_pairs):
            victims = [p for p in placed if p.female and not p.keep_apart_from and p.category != "author_of_violence"]
            if not victims:
                break
            victim = victims[0]
            others = [p for p in placed if p.municipality != victim.municipality and not p.keep_apart_from
                      and p.n != victim.n and p.category != "author_of_violence"]  # fmt: skip
            if not others:
                break
            author = others[-1]
            first, surname = invented_name(self.rng, False)
            people[author.n - 1] = Person(
                author.n, author.municipality, author.district, first, surname, author.born, False,
                "author_of_violence", "uepe", author.contact_consent, PLACED, (victim.n,),
            )  # fmt: skip
            people[victim.n - 1] = Person(**{**victim.__dict__, "keep_apart_from": (author.n,)})
            placed = [people[p.n - 1] for p in placed]
            self.tally.keep_apart.append((victim.n, author.n))
        return people

    def hosts(self) -> list[Host]:
        municipalities = [m.code for m in self.t.municipalities]
        return [
            Host(
                n,
                municipalities[(n - 1) % len(municipalities)],
                SECTORS[(n - 1) % len(SECTORS)],
                self.rng.randint(40, 90),
            )
            for n in range(1, self.s.hosts + 1)
        ]

    def choose_host(self, person: Person, hosts: list[Host], people: list[Person], avoid: set[int], day: date) -> int:
        """The least used host already recruited on ``day`` where nobody this person is kept apart from is."""
        apart = set(person.keep_apart_from) | {p.n for p in people if person.n in p.keep_apart_from}
        free = [h.n for h in hosts if h.n not in avoid and not (self.at_host.get(h.n, set()) & apart)
                and self.host_day[h.n] < day]  # fmt: skip
        least = min(self.host_load[h] for h in free)
        choice = self.rng.choice([h for h in free if self.host_load[h] == least])
        self.host_load[choice] += 1
        self.at_host.setdefault(choice, set()).add(person.n)
        return choice

    def journey(self, p: Person, referred_on: date, hosts: list[Host], people: list[Person]) -> None:
        s, t = self.s, self.tally
        counted = p.n not in self.statistics_withdrawn and p.path != WITHDRAWN  # erased: no longer counted
        self.step(referred_on, "refer", p.n)
        if counted:
            t.referred[p.municipality] += 1
        if p.path == WITHDRAWN:
            withdrawn = referred_on + timedelta(days=self.between((1, 4)))
            self.step(withdrawn, "withdraw_referral", p.n, reason="moved_away")
            self.step(withdrawn + timedelta(days=self.between((10, 30))), "erase", p.n)
            return
        intake = referred_on + timedelta(days=self.between(s.days.referral_to_intake))
        if p.path == DECLINED:
            self.step(intake, "decline", p.n, reason="person_not_available")
            self.step(intake + timedelta(days=7), "close_referral", p.n, reason="referral_declined")
            return
        self.step(intake, "intake", p.n)
        proposal = intake + timedelta(days=self.between(s.days.intake_to_proposal))
        if p.path == NO_PLACEMENT:
            self.step(proposal + timedelta(days=45), "withdraw_referral", p.n, reason="other_programme")
            return
        for victim in p.keep_apart_from:
            if victim in self.proposed:  # an author: never after the victim's proposal, to be refused there first
                victim_day, victim_host = self.proposed[victim]
                proposal = max(proposal, victim_day + timedelta(days=7))
                self.step(proposal, "propose_refused", p.n, victim_host, hours=20)
                proposal += timedelta(days=1)
        key, hours = 1, self.between(s.hours_per_week)
        if self.rng.random() < s.rejected_proposal_rate:
            first = self.choose_host(p, hosts, people, set(), proposal)
            self.step(proposal, "propose", p.n, first, key=f"{p.n}-1", hours=hours)
            self.step(proposal + timedelta(days=4), "reject", p.n, first, key=f"{p.n}-1",
                      party=self.rng.choice(["person", "host"]), reason="schedule_does_not_fit")  # fmt: skip
            self.at_host[first].discard(p.n)
            proposal += timedelta(days=10)
            key = 2
            host = self.choose_host(p, hosts, people, {first}, proposal)
        else:
            host = self.choose_host(p, hosts, people, set(), proposal)
        placement = f"{p.n}-{key}"
        self.step(proposal, "propose", p.n, host, key=placement, hours=hours)
        self.proposed[p.n] = (proposal, host)
        self.internship(p, placement, host, proposal, hours)

    def paired(self, p: Person) -> bool:
        return any(p.n in pair for pair in self.tally.keep_apart)

    def internship(self, p: Person, key: str, host: int, proposal: date, hours: int) -> None:
        s, t, rng = self.s, self.tally, self.rng
        agreed = proposal + timedelta(days=self.between(s.days.proposal_to_agreement))
        start = next_month_start(agreed + timedelta(days=self.between(s.days.agreement_to_start)))
        end = add_months(start, s.months) - timedelta(days=1)
        self.step(agreed, "agree", p.n, host, key=key, start=start, end=end, hours=hours)
        self.step(start, "start", p.n, host, key=key, started_on=start)
        if p.n not in self.statistics_withdrawn:
            t.started[p.municipality] += 1
        interrupted = rng.random() < s.interruption_rate and not self.paired(p)
        stop = start + timedelta(days=rng.randint(45, 120)) if interrupted else None
        if not interrupted and rng.random() < s.suspension_rate:
            suspended = start + timedelta(days=rng.randint(50, 90))
            resumed = suspended + timedelta(days=rng.randint(14, 28))
            self.step(suspended, "suspend", p.n, host, key=key, suspended_on=suspended, reason="illness")
            self.step(resumed, "resume", p.n, host, key=key, resumed_on=resumed)
            end += resumed - suspended
        extend_from = s.extension_from or date.max
        if not interrupted and end >= extend_from and rng.random() < min(1.0, s.extension_rate * 2):
            self.step(end - timedelta(days=10), "extend", p.n, host, key=key, ends_on=end + timedelta(days=30))
            end += timedelta(days=30)
        last, closed_last = stop or end, start
        month = start
        while month <= last:
            until = min(month_end(month), last)
            planned = round(hours * 52 / 12 * ((until - month).days + 1) / monthrange(month.year, month.month)[1])
            attended = round(planned * rng.randint(*s.attendance_percent) / 100)
            closed = until + timedelta(days=self.between(s.days.attendance_closed_after_month))
            if stop is None or until < stop:
                self.step(closed, "attendance", p.n, host, key=key, month=month.strftime("%Y-%m"),
                          planned=planned, attended=attended)  # fmt: skip
                closed_last = max(closed_last, closed)
            month = next_month_start(month)
        if stop is not None:
            reason, initiator = rng.choice([("employment_found", "intern"), ("health", "intern"),
                                            ("person_choice", "intern"), ("excessive_absence", "host")])  # fmt: skip
            told = max(stop, closed_last)  # recorded once the month before is closed
            self.step(told, "interrupt", p.n, host, key=key, interrupted_on=stop, reason=reason, initiator=initiator)
            self.step(told + timedelta(days=10), "close_case", p.n, host, key=key, reason="internship_interrupted")
            self.step(told + timedelta(days=20), "close_referral", p.n, reason="other")
            return
        outcome = rng.choices(list(s.outcomes), weights=list(s.outcomes.values()))[0]
        done = max(end, closed_last) + timedelta(days=1)  # once the last month's attendance is closed
        self.step(done, "complete", p.n, host, key=key, completed_on=end, outcome=outcome)
        self.step(done + timedelta(days=self.between(s.days.completion_to_attestation)), "attest", p.n, host, key=key)
        for after in (3, 6, 12):
            self.step(add_months(end, after), "follow_up", p.n, host, key=key, after=after,
                      employed=outcome == "hired" or rng.random() < 0.2, outcome=outcome)  # fmt: skip
        closed = add_months(end, 12) + timedelta(days=5)
        self.step(closed, "close_case", p.n, host, key=key, reason="path_completed")
        self.step(closed + timedelta(days=10), "close_referral", p.n, reason="path_completed")
        if p.n in self.contact_withdrawn:
            self.step(done + timedelta(days=20), "withdraw_consent", p.n, scope="share_contact_details")
        if p.n in self.statistics_withdrawn:
            self.step(done + timedelta(days=25), "withdraw_consent", p.n, scope="aggregate_statistics")

    def plan(self) -> Programme:
        s = self.s
        people, hosts = self.cast(), self.hosts()
        placed = [p.n for p in people if p.path == PLACED and not p.keep_apart_from]
        self.contact_withdrawn = set(placed[: s.contact_consent_withdrawals])
        self.statistics_withdrawn = set(placed[::-1][: s.statistics_consent_withdrawals])
        self.proposed: dict[int, tuple[date, int]] = {}
        self.host_day = {host.n: s.hosts_from + timedelta(days=2 * i) for i, host in enumerate(hosts)}
        for host in hosts:
            self.step(self.host_day[host.n], "register_host", host=host.n)
        span = (s.referrals_until - s.referrals_from).days
        days = sorted(s.referrals_from + timedelta(days=self.rng.randint(0, span)) for _ in people)
        referred_on = dict(zip([p.n for p in people], days, strict=True))
        authors = {p.n for p in people if p.category == "author_of_violence" and p.keep_apart_from}
        for p in sorted(people, key=lambda p: (p.n in authors, p.n)):
            if p.n in authors:  # referred some weeks after the person they must be kept apart from (still placed)
                referred_on[p.n] = referred_on[p.keep_apart_from[0]] + timedelta(days=20)
            self.journey(p, referred_on[p.n], hosts, people)
        steps = sorted(self.steps, key=lambda st: (st.day, st.order))
        if s.play_until is not None:  # the programme as it stands on that day: later steps are left to people
            steps = [st for st in steps if st.day <= s.play_until]
        for step in steps:  # each placement's state after the last step that changes it
            if step.kind in PLACEMENT_STATUS and "key" in step.data:
                self.tally.placement_status[step.data["key"]] = PLACEMENT_STATUS[step.kind]
        return Programme(people, hosts, steps, self.tally)


def plan_programme(scenario: Scenario, territory: Territory) -> Programme:
    """The whole programme of a scenario (same scenario and seed: same programme)."""
    return _Planner(scenario, territory).plan()
