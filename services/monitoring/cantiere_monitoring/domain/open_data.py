"""Which releases are open data: the fixed releases of closed periods only (pure; today comes in).

A period is closed once its last day is past by the longest follow-up the territory records (a completion,
a follow-up or a backdated start may still arrive until then): before that its figures may change from one
day to the next, and two public copies that differ could single out who changed between them.
"""

from __future__ import annotations

from datetime import date

from cantiere_monitoring.domain.journey import Period
from cantiere_monitoring.domain.releases import Release, releases


def settled_on(release: Release, settle_months: int) -> date:
    """The first day a release's figures are public: its last day plus `settle_months` months, plus one day."""
    end = release.period.end
    month = end.month - 1 + settle_months
    year, month = end.year + month // 12, month % 12 + 1
    day = min(end.day, _days_in_month(year, month))
    return date.fromordinal(date(year, month, day).toordinal() + 1)


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - date(year, month, 1)).days


def closed_releases(whole: Period, today: date, settle_months: int) -> list[Release]:
    """The releases of the programme whose period closed at least `settle_months` months before today."""
    return [r for r in releases(whole) if settled_on(r, settle_months) <= today]
