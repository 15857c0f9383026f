"""The regional internship rules table: versioned rule sets, one YAML file each in ``rulesets/``.

A territory chooses which rule set applies from which date (see ``territory.py``); the pure
calculations on a rule set live in ``cantiere_placements.domain.rules``. Values that no primary
text confirms are listed under ``unverified`` in the file, with the reason, and exposed as
``RuleSet.unverified_fields`` so screens and reports can say "to be confirmed".
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator, model_validator

from cantiere_runtime.configfile import ConfigError, FrozenModel, Slug, Text, problem, read_yaml_mapping, validate

RULESETS_DIR = Path(__file__).parent / "rulesets"
FORMAT_VERSION = 1


class RuleSetError(ConfigError):
    """A rule set file is missing or wrong, or a rule set id is unknown."""


class BelowThreshold(StrEnum):
    """What a month's allowance becomes when attendance is below the threshold."""

    PROPORTIONAL = "proportional"  # the full allowance times attended / planned hours
    NOTHING = "nothing"


class Rounding(StrEnum):
    """How a percentage of the headcount becomes a whole number of interns."""

    DOWN = "down"
    UP = "up"


class AllowanceStep(FrozenModel):
    """The minimum monthly allowance for internships lasting more than ``over_months`` months."""

    over_months: int = Field(ge=0)
    cents: int = Field(gt=0)


class HostBracket(FrozenModel):
    """How many interns a host may have at once, for permanent headcounts up to ``up_to_headcount``."""

    up_to_headcount: int | None = Field(default=None, ge=0)  # inclusive; None: no upper bound
    interns: int | None = Field(default=None, ge=0)  # a fixed number, or
    percent: int | None = Field(default=None, gt=0, le=100)  # a share of the permanent headcount

    @model_validator(mode="after")
    def _one_kind(self) -> HostBracket:
        if (self.interns is None) == (self.percent is None):
            raise problem("", "give exactly one of 'interns' (a number) or 'percent' (of the permanent headcount)")
        return self


class RuleSet(FrozenModel):
    """One region's internship rules in force from ``valid_from``; money in cents, durations in months."""

    format_version: int
    id: Slug
    version: Text
    region: Text
    legal_reference: Text
    valid_from: date
    sources: tuple[Text, ...] = ()
    min_monthly_allowance_cents: tuple[AllowanceStep, ...] = Field(min_length=1)
    attendance_threshold_percent: int = Field(ge=0, le=100)
    below_threshold: BelowThreshold
    min_duration_months: int = Field(ge=0)
    max_duration_months: int = Field(gt=0)
    max_extension_months: int = Field(default=0, ge=0)  # how far extensions may go beyond the maximum
    max_extension_days: int = Field(default=0, ge=0)  # added to the months above ("6 months + 30 days")
    max_duration_months_validated_plan: int | None = Field(default=None, gt=0)
    max_duration_months_inclusion: int = Field(gt=0)
    max_extension_months_inclusion: int = Field(default=0, ge=0)
    max_hours_per_week: int = Field(gt=0)
    interns_per_host: tuple[HostBracket, ...] = Field(min_length=1)
    interns_per_host_rounding: Rounding
    inclusion_interns_count_toward_limit: bool
    suspension_extends_end_date: bool
    suspension_counts_in_max_duration: bool
    suspension_reasons: tuple[Slug, ...] = ()
    min_suspension_days: int = Field(default=0, ge=0)
    unverified: dict[str, Text] = Field(default_factory=dict)  # field name -> why it is not confirmed

    @property
    def unverified_fields(self) -> frozenset[str]:
        """Names of the fields whose value no primary legal text confirms."""
        return frozenset(self.unverified)

    @field_validator("min_monthly_allowance_cents", mode="before")
    @classmethod
    def _single_amount(cls, value: Any) -> Any:
        # A plain number means one minimum whatever the duration.
        return [{"over_months": 0, "cents": value}] if isinstance(value, int) else value

    @field_validator("format_version")
    @classmethod
    def _known_format(cls, value: int) -> int:
        if value != FORMAT_VERSION:
            raise problem("", f"{value} is not supported by this version of Cantiere (it reads {FORMAT_VERSION})")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> RuleSet:
        steps = self.min_monthly_allowance_cents
        if steps[0].over_months != 0:
            raise problem("min_monthly_allowance_cents[0].over_months", "the first step must start at 0 months")
        for i in range(1, len(steps)):
            if steps[i].over_months <= steps[i - 1].over_months:
                raise problem(f"min_monthly_allowance_cents[{i}].over_months", "steps must be in increasing order")
        if self.min_duration_months > self.max_duration_months:
            raise problem("min_duration_months", "must not be more than max_duration_months")
        brackets = self.interns_per_host
        for i, bracket in enumerate(brackets):
            last = i == len(brackets) - 1
            if last != (bracket.up_to_headcount is None):
                message = (
                    "the last bracket must have no upper bound (leave up_to_headcount out)"
                    if last
                    else "only the last bracket may leave up_to_headcount out"
                )
                raise problem(f"interns_per_host[{i}].up_to_headcount", message)
            previous = brackets[i - 1].up_to_headcount if i else None
            if previous is not None and bracket.up_to_headcount is not None and bracket.up_to_headcount <= previous:
                raise problem(f"interns_per_host[{i}].up_to_headcount", "brackets must be in increasing order")
        fields = set(type(self).model_fields) - {"unverified", "format_version", "id", "version"}
        for name in self.unverified:
            if name not in fields:
                raise problem(f"unverified.{name}", f"{name!r} is not a field of a rule set")
        return self


def load_rule_set_file(path: Path) -> RuleSet:
    """The rule set in one YAML file; its ``id`` must match the file name."""
    data = read_yaml_mapping(path, RuleSetError)
    loaded = validate(RuleSet, data, path.name, RuleSetError)
    if loaded.id != path.stem:
        raise RuleSetError([f"{path.name}: id: {loaded.id!r} must match the file name {path.stem!r}"])
    return loaded


@lru_cache(maxsize=1)
def _shipped() -> tuple[tuple[str, RuleSet], ...]:
    return tuple((p.stem, load_rule_set_file(p)) for p in sorted(RULESETS_DIR.glob("*.yaml")))


def load_rule_sets() -> dict[str, RuleSet]:
    """Every rule set shipped with Cantiere, by id (a fresh dict; the rule sets are immutable)."""
    return dict(_shipped())


def rule_set(rule_set_id: str) -> RuleSet:
    """The shipped rule set with this id, or a ``RuleSetError`` naming the known ones."""
    known = load_rule_sets()
    if rule_set_id not in known:
        names = ", ".join(sorted(known)) or "none"
        raise RuleSetError([f"there is no rule set {rule_set_id!r} (known: {names})"])
    return known[rule_set_id]
