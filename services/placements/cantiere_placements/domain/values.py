"""Small values of the placements domain: clearance answers, the caller acting on an internship."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Clearance(StrEnum):
    """The referring municipality's answer to "may this person be placed at this host?"."""

    YES = "yes"
    NO = "no"
    NO_ANSWER = "no_answer"  # timeout: exclusions fail closed, so it counts as no


@dataclass(frozen=True)
class Acting:
    """Who acts on an internship: a company tutor is scoped to its own host."""

    is_company_tutor: bool = False
    host_id: str | None = None


OPERATOR = Acting()
