"""The development provider's demo users: one id per user, so every role of every partner can sign in."""

from cantiere_runtime.auth import Role
from cantiere_runtime.identity.dev_users import demo_users
from cantiere_runtime.territory import territory_by_code


def test_every_demo_user_of_a_partner_has_its_own_id_and_every_role_is_there() -> None:
    users = demo_users(territory_by_code("bari-pilot"))
    for people in users.values():
        assert len({u.user_id for u in people}) == len(people)
    roles = {u.principal.role for people in users.values() for u in people}
    assert roles == set(Role)
    region = {u.principal.role for u in users["cabina-di-regia"]}
    assert region == {Role.ANALYST, Role.AUDITOR}
