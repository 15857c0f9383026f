"""How long a municipality keeps a person's personal data, and whether they are due for erasure (pure, today passed in).

Two periods, set by the municipality's data protection officer:

- after the latest referral was closed or withdrawn, the data are kept for
  ``after_referral_ended_days`` days;
- a person registered but never referred is kept for ``never_referred_days``
  days after registration.

A person with an open referral is never due: the period starts again when the
new referral ends. Data are due on the day the period has fully run, e.g. with
30 days, a referral closed on 1 March is due on 31 March, not on 30 March.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cantiere_referrals.domain.person import Person


class InvalidRetentionPeriod(ValueError):
    """A retention period that is not a whole number of days greater than zero."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"{name}: il periodo di conservazione deve essere un numero intero di giorni maggiore di zero / "
            "the retention period must be a whole number of days greater than zero"
        )


@dataclass(frozen=True)
class RetentionPolicy:
    """The municipality's retention periods, in days."""

    after_referral_ended_days: int
    never_referred_days: int

    def __post_init__(self) -> None:
        for name in ("after_referral_ended_days", "never_referred_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise InvalidRetentionPeriod(name)


def days_kept(state: Person, policy: RetentionPolicy) -> tuple[date, int] | None:
    """The day the running retention period started and how many days it lasts (None: no period runs)."""
    if state.erased or state.referral_open:
        return None
    if state.referral_id is not None:
        if state.referral_ended_on is None:
            return None
        return state.referral_ended_on, policy.after_referral_ended_days
    if state.registered_on is None:
        return None
    return state.registered_on, policy.never_referred_days


def due_for_erasure(state: Person | None, policy: RetentionPolicy, *, today: date) -> bool:
    """Whether the person's personal data must be erased today because their retention period has run."""
    if state is None:
        return False
    period = days_kept(state, policy)
    if period is None:
        return False
    started, days = period
    return (today - started).days >= days  # no date arithmetic near date.max: any configured length is safe
