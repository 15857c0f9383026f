"""Invented demo users of the development identity provider: every role of every partner of a territory.

No names, real or invented: a demo user is known by its role and scope ("Assistente sociale, Municipio I").
"""

from __future__ import annotations

from dataclasses import dataclass

from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.territory import Territory

REFERRALS_AUDIENCE = "cantiere-referrals"
PLACEMENTS_AUDIENCE = "cantiere-placements"
MONITORING_AUDIENCE = "cantiere-monitoring"
# Host ids the demo company tutors carry: host ids are UUIDs (the contract's HostId), so these are too.
DEMO_HOSTS = ("0190d1a0-0000-7000-8000-00000000d001", "0190d1a0-0000-7000-8000-00000000d002")

ROLE_LABELS = {
    Role.SOCIAL_WORKER: "Assistente sociale",
    Role.MUNICIPAL_MANAGER: "Responsabile dei servizi sociali",
    Role.PLACEMENT_OPERATOR: "Operatore di inserimento",
    Role.PLACEMENT_COORDINATOR: "Coordinatore degli inserimenti",
    Role.COMPANY_TUTOR: "Tutor aziendale",
    Role.EMPLOYMENT_OFFICER: "Funzionario del Centro per l'Impiego",
    Role.ANALYST: "Analista",
    Role.AUDITOR: "Revisore",
    Role.DISTRICT_PLANNER: "Ufficio di Piano dell'ambito",
}


SHORT = {Role.ANALYST: "an", Role.AUDITOR: "au"}  # "a" would give the Region's analyst and auditor one id


@dataclass(frozen=True)
class DemoUser:
    """A demo user: the principal its tokens carry and the label of its button on the sign-in page."""

    principal: Principal
    label: str

    @property
    def user_id(self) -> str:
        return self.principal.user_id

    def get_user_id(self) -> str:
        """Authlib's user interface."""
        return self.principal.user_id


def audience_for(territory: Territory, partner: str) -> str:
    """The service a partner's people use: municipalities referrals, consortium and employment centre
    placements, the steering committee monitoring."""
    if partner in (territory.partners.consortium.code, territory.partners.employment_centre.code):
        return PLACEMENTS_AUDIENCE
    if partner == territory.partners.monitoring.code:
        return MONITORING_AUDIENCE
    if any(town.code == partner for town in territory.municipalities):
        return REFERRALS_AUDIENCE
    raise ValueError(f"{partner!r} is not a partner of {territory.code}")


def partner_name(territory: Territory, partner: str) -> str:
    """The partner's name in the territory file."""
    for town in territory.municipalities:
        if town.code == partner:
            return town.name
    for other in (territory.partners.consortium, territory.partners.employment_centre, territory.partners.monitoring):
        if other.code == partner:
            return other.name
    raise ValueError(f"{partner!r} is not a partner of {territory.code}")


def _user(partner: str, role: Role, n: int = 1, *, district: str | None = None, host: str | None = None,
          scope: str | None = None) -> DemoUser:  # fmt: skip
    short = SHORT.get(role) or "".join(word[0] for word in role.value.split("_"))
    user_id = f"demo-{partner}-{short}-{n}"
    label = ROLE_LABELS[role] + (f", {scope}" if scope else "") + " (demo)"
    principal = Principal(user_id=user_id, role=role, partner=partner, district=district, host_id=host)
    return DemoUser(principal, label)


def demo_users(territory: Territory) -> dict[str, list[DemoUser]]:
    """The demo users of every partner, by partner code."""
    users: dict[str, list[DemoUser]] = {}
    for town in territory.municipalities:
        people = [_user(town.code, Role.SOCIAL_WORKER)]
        people += [
            _user(town.code, Role.SOCIAL_WORKER, i + 2, district=d.code, scope=d.name)
            for i, d in enumerate(town.districts)
        ]
        people += [_user(town.code, Role.MUNICIPAL_MANAGER), _user(town.code, Role.AUDITOR)]
        users[town.code] = people
    consortium = territory.partners.consortium.code
    users[consortium] = [
        _user(consortium, Role.PLACEMENT_OPERATOR),
        _user(consortium, Role.PLACEMENT_COORDINATOR),
        *[_user(consortium, Role.COMPANY_TUTOR, i + 1, host=h, scope=h) for i, h in enumerate(DEMO_HOSTS)],
        _user(consortium, Role.AUDITOR),
    ]
    centre = territory.partners.employment_centre.code
    users[centre] = [_user(centre, Role.EMPLOYMENT_OFFICER)]
    monitoring = territory.partners.monitoring.code
    users[monitoring] = [_user(monitoring, Role.ANALYST), _user(monitoring, Role.AUDITOR)]
    for ambito in territory.ambiti:  # the Ufficio di Piano works at the capofila
        users[ambito.capofila].append(_user(ambito.capofila, Role.DISTRICT_PLANNER, scope=ambito.name))
    return users
