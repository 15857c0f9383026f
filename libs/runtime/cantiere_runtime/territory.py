"""The territory configuration: who takes part, targets, budget, phase durations and which rules apply when.

One versioned YAML file per territory in ``territories/``; a new territory is a new file,
not a code change (DESIGN.md §5). Validation errors name the file, the field and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from cantiere_runtime.configfile import ConfigError, FrozenModel, Slug, Text, problem, read_yaml_mapping, validate
from cantiere_runtime.rules import RuleSet, load_rule_sets, rule_set

TERRITORIES_DIR = Path(__file__).parent / "territories"
DEFAULT_TERRITORY = "bari-pilot"
FORMAT_VERSION = 1


class TerritoryError(ConfigError):
    """A territory file is missing or wrong, or a territory, municipality or date is unknown to it."""


def _check_istat(value: str) -> str:
    if not re.fullmatch(r"\d{6}", value):
        raise problem("", f"{value!r} must be the 6-digit ISTAT code in quotes, like '072006'")
    return value


IstatCode = Annotated[str, AfterValidator(_check_istat)]


class District(FrozenModel):
    """A district of a municipality (Bari's municipi, or its former circoscrizioni)."""

    code: Slug
    name: Text


class Municipality(FrozenModel):
    """A municipality taking part: it runs its own referrals service and is a partner on the bus."""

    code: Slug
    name: Text
    istat_code: IstatCode | None = None
    districts: tuple[District, ...] = ()

    @model_validator(mode="after")
    def _unique_districts(self) -> Municipality:
        seen: set[str] = set()
        for i, district in enumerate(self.districts):
            if district.code in seen:
                raise problem(f"districts[{i}].code", f"{district.code!r} is used twice in {self.name}")
            seen.add(district.code)
        return self

    def district(self, code: str) -> District:
        """The district with this code, or a ``TerritoryError``."""
        for district in self.districts:
            if district.code == code:
                return district
        raise TerritoryError([f"{self.name} has no district {code!r}"])


class Ambito(FrozenModel):
    """An ambito territoriale sociale: municipalities whose social services are planned together (Piano Sociale di
    Zona), led by a capofila with its Ufficio di Piano. Each member stays its own partner on the bus."""

    code: Slug
    name: Text
    capofila: Slug
    municipalities: tuple[Slug, ...] = Field(min_length=1)


class Partner(FrozenModel):
    """An organisation taking part; its code is its partner (tenant) code on the bus."""

    code: Slug
    name: Text


class Partners(FrozenModel):
    """The partners besides the municipalities."""

    consortium: Partner  # ATI of social cooperatives: runs placements
    employment_centre: Partner  # Centro per l'Impiego: validates internships
    monitoring: Partner  # steering committee (Cabina di Regia) and Region


class PhaseDuration(FrozenModel):
    """A standard duration, in days or in months (exactly one of them)."""

    days: int | None = Field(default=None, gt=0)
    months: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one_unit(self) -> PhaseDuration:
        if (self.days is None) == (self.months is None):
            raise problem("", "give exactly one of 'days' or 'months'")
        return self


class Phases(FrozenModel):
    """The standard duration of each phase of the process (DESIGN.md §3)."""

    referral: PhaseDuration  # from referral submitted to accepted or declined
    intake: PhaseDuration
    matching: PhaseDuration
    agreement: PhaseDuration
    running: PhaseDuration  # the internship itself
    completion: PhaseDuration
    follow_up: PhaseDuration


class RuleSetPeriod(FrozenModel):
    """From ``starts_on`` (``from`` in the file) the rule set ``rule_set`` applies."""

    model_config = ConfigDict(populate_by_name=True)

    starts_on: date = Field(alias="from")
    rule_set: Slug


class ProgrammePeriod(FrozenModel):
    """The first and last day of the programme."""

    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> ProgrammePeriod:
        if self.end < self.start:
            raise problem("end", f"{self.end} is before the start ({self.start})")
        return self


class Territory(FrozenModel):
    """One territory's configuration: municipalities, partners, targets, budget, phases and rules by date."""

    format_version: int
    version: Text  # of this territory's configuration: a date or a semantic version
    code: Slug
    name: Text
    lead_municipality: Slug
    municipalities: tuple[Municipality, ...] = Field(min_length=1)
    ambiti: tuple[Ambito, ...] = ()
    # How the municipalities' referrals services are run: one process each, or one per ambito (its members share
    # it; a municipality in no ambito still runs its own).
    referrals_services: Literal["per_municipality", "per_ambito"] = "per_municipality"
    partners: Partners
    target_internships: int = Field(ge=0)
    budget_cents: int = Field(ge=0)
    phases: Phases
    follow_up_after_months: tuple[Annotated[int, Field(gt=0)], ...] = (3, 6, 12)
    rule_sets: tuple[RuleSetPeriod, ...] = Field(min_length=1)
    disclosure_threshold: int = Field(default=5, ge=3)
    programme_period: ProgrammePeriod

    @model_validator(mode="before")
    @classmethod
    def _budget_in_euro(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "budget_eur" not in data:
            return data
        data = dict(data)
        euro = data.pop("budget_eur")
        if "budget_cents" in data:
            raise problem("budget_eur", "give the budget once: either budget_cents or budget_eur")
        data["budget_cents"] = _euro_to_cents(euro)
        return data

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return value.isoformat() if isinstance(value, date) else value

    @field_validator("format_version")
    @classmethod
    def _known_format(cls, value: int) -> int:
        if value != FORMAT_VERSION:
            raise problem("", f"{value} is not supported by this version of Cantiere (it reads {FORMAT_VERSION})")
        return value

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Territory:
        context = info.context if isinstance(info.context, Mapping) else {}
        given = context.get("rule_sets")
        known: Mapping[str, RuleSet] = load_rule_sets() if given is None else given
        _check_codes(self)
        _check_ambiti(self)
        _check_rule_sets(self, known)
        follow = self.follow_up_after_months
        if list(follow) != sorted(set(follow)):
            raise problem("follow_up_after_months", "must be in increasing order, each month once")
        return self

    def municipality(self, code: str) -> Municipality:
        """The municipality with this code, or a ``TerritoryError`` naming the known ones."""
        for municipality in self.municipalities:
            if municipality.code == code:
                return municipality
        known = ", ".join(m.code for m in self.municipalities)
        raise TerritoryError([f"territory {self.code}: there is no municipality {code!r} (known: {known})"])

    def ambito_of(self, municipality: str) -> Ambito | None:
        """The ambito a municipality belongs to, if any."""
        return next((a for a in self.ambiti if municipality in a.municipalities), None)

    def ambito(self, code: str) -> Ambito:
        """The ambito with this code, or a ``TerritoryError`` naming the known ones."""
        for ambito in self.ambiti:
            if ambito.code == code:
                return ambito
        known = ", ".join(a.code for a in self.ambiti) or "none"
        raise TerritoryError([f"territory {self.code}: there is no ambito {code!r} (known: {known})"])

    def referrals_groups(self) -> list[tuple[str, tuple[str, ...]]]:
        """The referrals services to run: (service name, the municipalities it serves), in the file's order.

        ``per_municipality``: one per municipality, named after it. ``per_ambito``: one per ambito, named after
        the ambito, serving its members; a municipality in no ambito is served alone.
        """
        if self.referrals_services == "per_municipality":
            return [(m.code, (m.code,)) for m in self.municipalities]
        groups: list[tuple[str, tuple[str, ...]]] = []
        for m in self.municipalities:
            ambito = self.ambito_of(m.code)
            if ambito is None:
                groups.append((m.code, (m.code,)))
            elif not any(name == ambito.code for name, _ in groups):
                members = tuple(x.code for x in self.municipalities if x.code in ambito.municipalities)
                groups.append((ambito.code, members))
        return groups

    @property
    def lead(self) -> Municipality:
        """The lead municipality (capofila)."""
        return self.municipality(self.lead_municipality)

    def rule_set_id_on(self, day: date) -> str:
        """The id of the rule set that applies on ``day``; a ``TerritoryError`` before the first one."""
        for period in reversed(self.rule_sets):
            if period.starts_on <= day:
                return period.rule_set
        first = self.rule_sets[0].starts_on
        raise TerritoryError([f"territory {self.code}: no internship rules apply on {day}; the first start on {first}"])

    def rule_set_on(self, day: date) -> RuleSet:
        """The shipped rule set that applies on ``day``."""
        return rule_set(self.rule_set_id_on(day))


def _euro_to_cents(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise problem("budget_eur", f"write the amount in quotes, like '500000.00' (got {value!r})")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise problem("budget_eur", f"{value!r} is not an amount of euro like '500000.00'") from None
    cents = amount * 100
    if not amount.is_finite() or cents != cents.to_integral_value():
        raise problem("budget_eur", f"{value!r} must have at most two decimals")
    if cents < 0:
        raise problem("budget_eur", f"{value!r} must not be negative")
    return int(cents)


def _check_codes(territory: Territory) -> None:
    # Municipalities and partners share one namespace: the partner (tenant) code on the bus.
    seen: dict[str, str] = {}
    for i, municipality in enumerate(territory.municipalities):
        code = municipality.code
        if code in seen:
            raise problem(f"municipalities[{i}].code", f"{code!r} is already the code of {seen[code]}")
        seen[code] = f"the municipality {municipality.name}"
    if territory.lead_municipality not in seen:
        listed = ", ".join(m.code for m in territory.municipalities)
        raise problem(
            "lead_municipality", f"{territory.lead_municipality!r} is not one of the municipalities ({listed})"
        )
    for role in ("consortium", "employment_centre", "monitoring"):
        code = getattr(territory.partners, role).code
        if code in seen:
            raise problem(f"partners.{role}.code", f"{code!r} is already the code of {seen[code]}; codes must differ")
        seen[code] = f"the {role.replace('_', ' ')}"


def _check_ambiti(territory: Territory) -> None:
    municipalities = {m.code for m in territory.municipalities}
    partners = {getattr(territory.partners, r).code for r in ("consortium", "employment_centre", "monitoring")}
    member_of: dict[str, str] = {}
    codes: set[str] = set()
    for i, ambito in enumerate(territory.ambiti):
        where = f"ambiti[{i}]"
        if ambito.code in codes:
            raise problem(f"{where}.code", f"{ambito.code!r} is the code of another ambito")
        if ambito.code in partners or (ambito.code in municipalities and ambito.municipalities != (ambito.code,)):
            raise problem(f"{where}.code", f"{ambito.code!r} is already a partner's or another municipality's code")
        codes.add(ambito.code)
        for j, code in enumerate(ambito.municipalities):
            if code not in municipalities:
                raise problem(f"{where}.municipalities[{j}]", f"{code!r} is not one of the territory's municipalities")
            if code in member_of:
                raise problem(
                    f"{where}.municipalities[{j}]",
                    f"{code!r} is already in the ambito {member_of[code]!r}: a municipality belongs to one ambito",
                )
            member_of[code] = ambito.code
        if ambito.capofila not in ambito.municipalities:
            raise problem(f"{where}.capofila", f"{ambito.capofila!r} must be one of the ambito's municipalities")


def _check_rule_sets(territory: Territory, known: Mapping[str, RuleSet]) -> None:
    periods = territory.rule_sets
    for i, period in enumerate(periods):
        where = f"rule_sets[{i}]"
        if i and period.starts_on <= periods[i - 1].starts_on:
            what = "appears twice" if period.starts_on == periods[i - 1].starts_on else "is before the previous entry"
            raise problem(f"{where}.from", f"{period.starts_on} {what}: list the rule sets once each, in date order")
        found = known.get(period.rule_set)
        if found is None:
            names = ", ".join(sorted(known))
            raise problem(f"{where}.rule_set", f"{period.rule_set!r} is not a known rule set (known: {names})")
        if period.starts_on < found.valid_from:
            raise problem(
                f"{where}.from", f"{period.rule_set} only applies from {found.valid_from}, not {period.starts_on}"
            )
    start = territory.programme_period.start
    if periods[0].starts_on > start:
        raise problem("rule_sets[0].from", f"no rules would apply when the programme starts ({start})")


def load_territory(path: Path, rule_sets: Mapping[str, RuleSet] | None = None) -> Territory:
    """The territory in a YAML file, checked against the rule sets (the shipped ones by default)."""
    data = read_yaml_mapping(path, TerritoryError)
    return validate(Territory, data, path.name, TerritoryError, context={"rule_sets": rule_sets})


def available_territories() -> list[str]:
    """The codes of the territories shipped with Cantiere, sorted (a ``<code>.scenario.yaml`` beside a territory
    is the simulator's scenario for it, not a territory)."""
    return sorted(p.stem for p in TERRITORIES_DIR.glob("*.yaml") if not p.name.endswith(".scenario.yaml"))


@lru_cache(maxsize=16)
def territory_by_code(code: str) -> Territory:
    """The shipped territory with this code; its file name must match its ``code``."""
    available = available_territories()
    if code not in available:
        raise TerritoryError([f"there is no territory {code!r} (available: {', '.join(available) or 'none'})"])
    path = TERRITORIES_DIR / f"{code}.yaml"
    loaded = load_territory(path)
    if loaded.code != code:
        raise TerritoryError([f"{path.name}: code: {loaded.code!r} must match the file name {code!r}"])
    return loaded
