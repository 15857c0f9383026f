"""Raw indicators of the programme, computed from consenting people's journeys (pure; never published as is)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from cantiere_monitoring.domain.journey import HostSite, Journey, Period

Milestone = Callable[[Journey], date | None]

MILESTONES: dict[str, Milestone] = {
    "referrals": lambda j: j.referred_on,
    "acceptances": lambda j: j.accepted_on,
    "declines": lambda j: j.declined_on,
    "intakes": lambda j: j.intake_done_on,
    "placements": lambda j: j.agreement_signed_on,  # convenzione signed: the person has a host
    "starts": lambda j: j.started_on,
    "interruptions": lambda j: j.interrupted_on,
    "completions": lambda j: j.completed_on,
}
"""Each flow indicator counts people whose milestone falls in the period."""


def month_of(day: date) -> str:
    """'YYYY-MM'."""
    return f"{day.year:04d}-{day.month:02d}"


def quarter_of(day: date) -> str:
    """'YYYY-Qn'."""
    return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class Dimensions:
    """The keys a breakdown lists even when a count is zero (from the territory configuration)."""

    municipalities: Sequence[str]
    districts: Sequence[str] = ()
    age_bands: Sequence[str] = ()
    ambiti: Sequence[str] = ()  # the territory's ambiti territoriali sociali (none: no breakdown by ambito)
    ambito_of: Mapping[str, str] = field(default_factory=dict)  # municipality -> its ambito

    def ambito_key(self, municipality: str | None) -> str:
        """The ambito breakdown's key for a municipality (NO_AMBITO outside every ambito, or unknown)."""
        return self.ambito_of.get(municipality or "", NO_AMBITO)


@dataclass(frozen=True)
class Flow:
    """How many people reached a milestone in the period, in total and by dimension."""

    total: int
    by: dict[str, dict[str, int]]


@dataclass(frozen=True)
class RawIndicators:
    """Every figure before disclosure control: counts of people and host sites, sums, rates' parts."""

    flows: dict[str, Flow]
    categories: dict[str, dict[str, int]]
    active_at_end: int
    suspended_at_end: int
    ever_suspended: int
    attendance_people: int
    planned_centihours: int
    attended_centihours: int
    allowance_people: int
    allowance_paid_cents: int
    hosts_recruited: int
    hosts_retained: int
    hosts_by: dict[str, dict[str, int]] = field(default_factory=dict)
    ambito_of: Mapping[str, str] = field(default_factory=dict)  # to audit the ambiti with their municipalities


UNKNOWN = "unknown"
NO_AMBITO = "no_ambito"  # people of a municipality in no ambito (or of an unknown one)
OTHER_MUNICIPALITIES = "other_municipalities"  # district breakdowns: people outside a municipality with districts


def _count(keys: Iterable[str | None], known: Sequence[str] = (), missing: str = UNKNOWN) -> dict[str, int]:
    # Every person lands in exactly one key, so a breakdown always adds up to its headline.
    counts = Counter(missing if key is None else key for key in keys)
    return {**dict.fromkeys(known, 0), **dict(sorted(counts.items()))} if known else dict(sorted(counts.items()))


def _flow(reached: list[tuple[Journey, date]], dims: Dimensions) -> Flow:
    people = [j for j, _ in reached]
    by = {
        "municipality": _count((j.municipality for j in people), dims.municipalities),
        "age_band": _count((j.age_band for j in people), dims.age_bands),
        "quarter": _count(quarter_of(day) for _, day in reached),
        "month": _count(month_of(day) for _, day in reached),
    }
    if dims.ambiti:
        by["ambito"] = _count((dims.ambito_key(j.municipality) for j in people), dims.ambiti)
    if dims.districts:
        by["district"] = _count((j.district for j in people), dims.districts, OTHER_MUNICIPALITIES)
    if any(j.sector_code for j in people):
        by["sector"] = _count(j.sector_code for j in people)
    return Flow(total=len(people), by=by)


def compute(
    journeys: Sequence[Journey],
    host_sites: Sequence[HostSite],
    period: Period,
    dims: Dimensions,
    follow_up_months: Sequence[int],
) -> RawIndicators:
    """All raw indicators of a period; `follow_up_months` are the territory's `follow_up_after_months`."""
    flows = {}
    for name, milestone in MILESTONES.items():
        reached = [(j, day) for j in journeys if (day := milestone(j)) is not None and day in period]
        flows[name] = _flow(reached, dims)
    completed = [j for j in journeys if j.completed_on in period]
    interrupted = [j for j in journeys if j.interrupted_on in period]
    categories = {
        "interruptions_by_reason": _count(j.interruption_reason for j in interrupted),
        "outcomes": _count(j.outcome for j in completed),
        "hired_by_contract_type": _count(j.contract_type for j in completed if j.outcome == "hired"),
        "declines_by_reason": _count(j.decline_reason for j in journeys if j.declined_on in period),
    }
    for month in follow_up_months:
        followed = [j.employed_after[month] for j in journeys if month in j.employed_after and j.ended_on in period]
        categories[f"employed_after_{month}_months"] = {
            "employed": sum(followed),
            "not_employed": len(followed) - sum(followed),
        }
    end = period.end
    running = [j for j in journeys if j.started_on and j.started_on <= end and not (j.ended_on and j.ended_on <= end)]
    suspended = [j for j in running if j.suspended_on and j.suspended_on <= end]
    attending = [j for j in journeys if j.planned_centihours > 0 and j.started_on in period]
    paid = [j for j in journeys if j.allowance_paid_cents > 0 and j.started_on in period]
    recruited = [h for h in host_sites if h.registered_on in period]
    retained = [h for h in recruited if h.suspended_on is None or h.suspended_on > end]
    return RawIndicators(
        flows=flows,
        categories=categories,
        active_at_end=len(running) - len(suspended),
        suspended_at_end=len(suspended),
        ever_suspended=sum(1 for j in journeys if j.ever_suspended and j.started_on in period),
        attendance_people=len(attending),
        planned_centihours=sum(j.planned_centihours for j in attending),
        attended_centihours=sum(j.attended_centihours for j in attending),
        allowance_people=len(paid),
        allowance_paid_cents=sum(j.allowance_paid_cents for j in paid),
        hosts_recruited=len(recruited),
        hosts_retained=len(retained),
        hosts_by={
            "site_municipality": _count((h.site_municipality for h in recruited), dims.municipalities),
            "sector": _count(h.sector_code for h in recruited),
        },
        ambito_of=dims.ambito_of,
    )
