"""Write the NATS users and permissions of a territory (deploy/nats/accounts.conf) from its territory YAML.

    python deploy/nats/generate.py [TERRITORY_YAML] [-o deploy/nats/accounts.conf] [--leaf PROCESS]

One user per referrals *process* (``Territory.referrals_groups()``: one per municipality,
or one per ambito serving its municipalities, as the territory's ``referrals_services``
says), allowed exactly the union of its municipalities' subjects; one for the consortium's
placements service, one for monitoring, one admin for the bootstrap step. Passwords are never
written: each user's password is the NATS config variable ``$NATS_PASSWORD_<CODE>``,
which nats-server resolves from its environment at start (a plain password or a
bcrypt hash from ``nats server passwd``). See deploy/README.md for the reasoning.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field
from pathlib import Path

from cantiere_runtime.service import StreamSubscription
from cantiere_runtime.territory import Territory, load_territory

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_TERRITORY = REPO / "libs/runtime/cantiere_runtime/territories/bari-pilot.yaml"
DEFAULT_OUTPUT = HERE / "accounts.conf"

ACCOUNT = "CANTIERE"
PUBLIC, RESTRICTED, DEADLETTER = "CANTIERE_PUBLIC", "CANTIERE_RESTRICTED", "CANTIERE_DEADLETTER"
ADMIN_USER = "cantiere-admin"
# Every JetStream reply (API answers, pull deliveries, publish acks) and every rpc answer
# arrives on an inbox "<prefix>.<nuid>[.<token>]". "_INBOX" is the nats-py default: only the
# admin (`cantiere streams` cannot set a prefix) still uses it. See README "Inboxes".
DEFAULT_INBOX = "_INBOX"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def inbox_prefix(user: str) -> str:
    """A user's own inbox prefix: ``_INBOX_<user>``, e.g. ``_INBOX_placements-ati-cantiere``.

    One token, not ``_INBOX.<user>``: NATS wildcards match whole tokens, so the grant
    ``_INBOX_<user>.>`` covers this user's inboxes and nothing else, and neither a
    default-prefix grant (``_INBOX.>``, the admin's) nor any other user's grant covers it.
    nats-py builds every inbox from it (new_inbox, request's reply mux, pull
    subscriptions' delivery subject, publish_async's ack prefix). Services read it from
    ``CANTIERE_NATS__INBOX_PREFIX``.
    """
    return f"{DEFAULT_INBOX}_{user}"


def password_variable(code: str) -> str:
    """The environment variable holding a user's NATS password: NATS_PASSWORD_AMBITO_TRIGGIANO for
    the referrals process ``ambito-triggiano``, NATS_PASSWORD_ATI_CANTIERE for the consortium."""
    return "NATS_PASSWORD_" + re.sub(r"[^A-Z0-9]", "_", code.upper())


def consumers_of(subscriptions: list[StreamSubscription]) -> list[Consumer]:
    """The durable consumers a service's stream subscriptions need, taken from the service code itself.

    NATS wildcards match whole tokens only and a durable name is one token, so each
    user's permissions name its durables exactly; deriving them from the services'
    own subscription lists keeps code and permissions from drifting apart.
    """
    return [
        Consumer(sub.stream, sub.durable, filter=sub.subjects[0] if len(sub.subjects) == 1 else None)
        for sub in subscriptions
    ]


@dataclass
class Consumer:
    """A durable pull consumer a user may create, read, ack and delete on one stream."""

    stream: str
    durable: str
    # When set, creation is allowed only through the filtered create subject
    # $JS.API.CONSUMER.CREATE.<stream>.<durable>.<filter>: the server refuses a request
    # whose body filter differs from the subject, so the permission pins the filter.
    # When None the user may read the whole stream, so any filter is fine.
    filter: str | None = None

    def api_subjects(self) -> list[str]:
        s, d = self.stream, self.durable
        subjects = [
            f"$JS.API.CONSUMER.INFO.{s}.{d}",
            f"$JS.API.CONSUMER.DELETE.{s}.{d}",  # a projection rebuild drops and recreates its consumer
            f"$JS.API.CONSUMER.MSG.NEXT.{s}.{d}",  # a pull fetch is a publish here; messages come on its inbox
            f"$JS.ACK.{s}.{d}.>",  # ack/nak/term are publishes to the delivered message's reply subject
        ]
        if self.filter is None:
            subjects += [
                f"$JS.API.CONSUMER.CREATE.{s}.{d}",
                f"$JS.API.CONSUMER.CREATE.{s}.{d}.>",
                f"$JS.API.CONSUMER.DURABLE.CREATE.{s}.{d}",  # what nats-py sends for durable_name without name
            ]
        else:
            # Deliberately NOT the legacy DURABLE.CREATE: its subject carries no filter, so
            # granting it would let this user filter on another partner's subjects.
            subjects.append(f"$JS.API.CONSUMER.CREATE.{s}.{d}.{self.filter}")
        return subjects


@dataclass
class User:
    """One NATS user: a service instance's identity on the bus."""

    name: str
    password_var: str
    comment: str
    publish: list[str] = field(default_factory=list)
    subscribe: list[str] = field(default_factory=list)
    deny_publish: list[str] = field(default_factory=list)
    deny_subscribe: list[str] = field(default_factory=list)
    consumers: list[Consumer] = field(default_factory=list)
    stream_info: list[str] = field(default_factory=list)
    allow_responses: bool = False
    admin: bool = False
    inbox: bool = True  # every client needs its replies (on its own prefix); a leaf link does not

    @property
    def inbox_prefix(self) -> str:
        """What this user's client must pass as ``inbox_prefix`` (CANTIERE_NATS__INBOX_PREFIX)."""
        return DEFAULT_INBOX if self.admin else inbox_prefix(self.name)

    def render(self) -> str:
        lines = [f"      # {self.comment}"]
        if self.admin:
            lines.append(f"      # Client: default inbox prefix {DEFAULT_INBOX} (`cantiere streams` takes only a URL)")
        elif self.inbox:
            lines.append(f"      # Client setting: CANTIERE_NATS__INBOX_PREFIX={self.inbox_prefix}")
        lines += ["      {", f'        user: "{self.name}"']
        lines.append(f"        password: ${self.password_var}")
        if self.admin:
            # The bootstrap identity: declares streams (and may pre-create consumers). No event subject.
            # `cantiere streams` connects with the default prefix, so its replies come on _INBOX.>;
            # no other user's inbox lives there (theirs are _INBOX_<user>.>, another first token).
            lines.append(f'        permissions: {{ publish: ["$JS.API.>"], subscribe: ["{DEFAULT_INBOX}.>"] }}')
            lines.append("      }")
            return "\n".join(lines)
        publish = list(self.publish)
        for consumer in self.consumers:
            publish += consumer.api_subjects()
        publish += [f"$JS.API.STREAM.INFO.{s}" for s in self.stream_info]
        # Its own inboxes only: nobody may listen to another user's replies.
        subscribe = [*self.subscribe, f"{self.inbox_prefix}.>"] if self.inbox else list(self.subscribe)
        lines.append("        permissions: {")
        lines.append(_allow_deny("publish", publish, self.deny_publish))
        lines.append(_allow_deny("subscribe", subscribe, self.deny_subscribe))
        if self.allow_responses:
            # Answer a request only on the reply subject of a request actually received,
            # once, within a minute: tighter than publish on _INBOX.>.
            lines.append('          allow_responses: { max: 1, expires: "1m" }')
        lines.append("        }")
        lines.append("      }")
        return "\n".join(lines)


def _quoted(subjects: list[str]) -> str:
    # Quoted, so that "$JS..." is a literal subject and not a config variable reference.
    items = "".join(f'              "{s}"\n' for s in subjects)
    return f"[\n{items}            ]"


def _allow_deny(kind: str, allow: list[str], deny: list[str]) -> str:
    body = f"          {kind}: {{\n            allow: {_quoted(allow)}"
    if deny:
        body += f"\n            deny: {_quoted(deny)}"
    return body + "\n          }"


def _deadletter(durable: str) -> str:
    # StreamProjector publishes what it cannot apply to cantiere.deadletter.<durable>.
    return f"cantiere.deadletter.{durable}"


def referrals_user_name(process: str) -> str:
    """The NATS user of a referrals process: ``referrals-<process>`` (e.g. ``referrals-ambito-triggiano``)."""
    return f"referrals-{process}"


def referrals_user(process: str, municipalities: tuple[str, ...]) -> User:
    """One referrals process: each municipality it serves stays its own partner on the bus, so the user
    gets the union of their subjects, durables, rpc and dead letters, and nothing of anyone else."""
    from cantiere_referrals.projections import consortium_subscriptions

    consumers = [c for m in municipalities for c in consumers_of(consortium_subscriptions(m))]
    served = ", ".join(municipalities)
    own_events = [
        f"cantiere.{audience}.referrals.{m}.>" for m in municipalities for audience in ("public", "restricted")
    ]
    news_and_rpc = [
        subject
        for m in municipalities
        for subject in (
            f"cantiere.public.placements.{m}.>",
            f"cantiere.restricted.placements.{m}.>",  # clearances and refusals about its own people
            f"cantiere.rpc.referrals.{m}.>",
        )
    ]
    return User(
        name=referrals_user_name(process),
        password_var=password_variable(process),
        comment=f"Referrals process {process} (serves {served}): their own events out, their own people's news in.",
        publish=[*own_events, *[_deadletter(c.durable) for c in consumers]],
        subscribe=news_and_rpc,
        consumers=consumers,
        allow_responses=True,
    )


def placements_user_name(c: str) -> str:
    return f"placements-{c}"


def placements_user(c: str) -> User:
    from cantiere_placements.bootstrap import intake_subscriptions

    consumers = consumers_of(intake_subscriptions(c))
    return User(
        name=placements_user_name(c),
        password_var=password_variable(c),
        comment=f"Consortium {c}: reads every municipality's referrals events, public and restricted; asks rpc.",
        publish=[
            "cantiere.public.placements.>",
            "cantiere.restricted.placements.>",
            "cantiere.rpc.referrals.*.>",  # clearance and contact-details requests to any municipality
            *[_deadletter(consumer.durable) for consumer in consumers],
        ],
        subscribe=["cantiere.public.referrals.>", "cantiere.restricted.>"],
        consumers=consumers,
        stream_info=[PUBLIC, RESTRICTED],
    )


def monitoring_user(code: str) -> User:
    from cantiere_monitoring.adapters.subscriptions import monitoring_subscriptions

    consumers = consumers_of(monitoring_subscriptions(code))
    restricted_api = [
        f"$JS.API.CONSUMER.*.{RESTRICTED}",
        f"$JS.API.CONSUMER.*.{RESTRICTED}.>",
        f"$JS.API.CONSUMER.*.*.{RESTRICTED}.>",  # DURABLE.CREATE and MSG.NEXT
        f"$JS.API.STREAM.*.{RESTRICTED}",  # INFO (subject counts), MSG.GET, PURGE, ...
        f"$JS.API.STREAM.MSG.GET.{RESTRICTED}",
        f"$JS.API.DIRECT.GET.{RESTRICTED}",
        f"$JS.API.DIRECT.GET.{RESTRICTED}.>",
        f"$JS.ACK.{RESTRICTED}.>",
    ]
    return User(
        name=f"monitoring-{code}",
        password_var=password_variable(code),
        comment=f"Monitoring ({code}): public events only, never restricted; publishes nothing on cantiere.>.",
        # Only its own dead letters: what its projectors could not apply (public events anyway).
        publish=[_deadletter(consumer.durable) for consumer in consumers],
        subscribe=["cantiere.public.>"],
        # The allow lists already refuse all of this; the explicit denies keep it refused
        # even if someone later widens an allow (deny wins over allow in NATS).
        deny_publish=["cantiere.public.>", "cantiere.restricted.>", "cantiere.rpc.>", *restricted_api],
        deny_subscribe=["cantiere.restricted.>", "cantiere.deadletter.>", "cantiere.rpc.>"],
        consumers=consumers,
        stream_info=[PUBLIC],
    )


def leaf_user(process: str, municipalities: tuple[str, ...], consortium: str) -> User:
    """The hub-side login of the leaf server on the premises of referrals process ``process``.

    See leaf/bari-leaf.conf. On a leaf connection, publish is what the leaf may send into the hub and
    subscribe what the hub sends down to it. The leaf's JetStream domain is the process name. Events go
    up only by the hub sourcing the leaf's <PROCESS>_OUTBOX stream (deliveries on
    cantiere-sourcing.<process>.>); rpc answers go up on the requester's inbox, i.e. under the
    consortium's own prefix (the only rpc client).
    """
    down = [s for m in municipalities for s in (f"cantiere.public.placements.{m}.>", f"cantiere.rpc.referrals.{m}.>")]
    return User(
        name=f"leaf-{process}",
        password_var=password_variable(f"leaf-{process}"),
        comment=f"Leaf server of referrals process {process} (serves {', '.join(municipalities)}), hub side.",
        publish=[
            f"cantiere-sourcing.{process}.>",
            # Replies of the leaf's JetStream to the hub server's own requests that create the source
            # consumer: nats-server sends them with a "$JSC.R.<id>" reply subject. Without this grant
            # the hub never hears the consumer was made, and sources nothing (tests/faults proves it).
            "$JSC.R.>",
            f"{inbox_prefix(placements_user_name(consortium))}.>",  # rpc answers to the consortium
        ],
        subscribe=[
            *down,
            f"$JS.{process}.API.>",  # the hub's JetStream creating/reading the source consumer in that domain
            f"$JS.ACK.{outbox_stream(process)}.>",
            "$JS.FC.>",  # flow control of the source consumer
        ],
        inbox=False,
    )


def outbox_stream(process: str) -> str:
    """The leaf's local stream of its municipalities' events: ``AMBITO_BARI_OUTBOX``."""
    return re.sub(r"[^A-Z0-9]", "_", process.upper()) + "_OUTBOX"


def users_for(territory: Territory, leaves: tuple[str, ...] = ()) -> list[User]:
    """Every user of a territory, checked: each NATS_PASSWORD_* variable names one user.

    ``leaves`` are referrals process names (``referrals_groups()``) that run a leaf server.
    """
    groups = territory.referrals_groups()
    consortium, monitoring = territory.partners.consortium.code, territory.partners.monitoring.code
    unknown = set(leaves) - {process for process, _ in groups}
    if unknown:
        known = ", ".join(process for process, _ in groups)
        raise ValueError(f"--leaf names no referrals process of the territory: {sorted(unknown)} (known: {known})")
    admin = User(ADMIN_USER, password_variable("admin"), "Bootstrap/operator: `cantiere streams`.", admin=True)
    users = [
        *[referrals_user(process, served) for process, served in groups],
        placements_user(consortium),
        monitoring_user(monitoring),
        *[leaf_user(process, served, consortium) for process, served in groups if process in leaves],
        admin,
    ]
    for user in users:
        if not SLUG.match(user.name):
            raise ValueError(f"NATS user {user.name!r} is not a slug (lowercase letters, digits, '-')")
    variables = [u.password_var for u in users]
    if len(set(variables)) != len(variables):
        raise ValueError("two users map to the same NATS_PASSWORD_* variable: rename a code in the territory file")
    return users


def render(territory: Territory, source: str, leaves: tuple[str, ...] = ()) -> str:
    users = users_for(territory, leaves)
    header = [
        f"# GENERATED by deploy/nats/generate.py from {source}: edit the generator, not this file.",
        "# Passwords are config variables resolved from nats-server's environment (NATS_PASSWORD_*);",
        "# no secret is stored here. Included by nats-server.conf and cluster/*.conf (leaf/hub.conf includes",
        "# leaf/accounts-leaf.conf, the same users plus the leaf-<referrals process> logins).",
        "#",
        "# Environment variables nats-server needs:",
        *[f"#   {u.password_var:<36} user {u.name}" for u in users],
        "#",
        "# Each client connects with its user's own inbox prefix (CANTIERE_NATS__INBOX_PREFIX, noted above",
        "# each user) and may subscribe to that prefix only: nobody reads another user's replies.",
        "",
        "accounts: {",
        f"  {ACCOUNT}: {{",
        "    jetstream: enabled",
        "    users: [",
    ]
    body = "\n".join(u.render() for u in users)
    return "\n".join(header) + "\n" + body + "\n    ]\n  }\n}\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("territory", nargs="?", type=Path, default=DEFAULT_TERRITORY)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--leaf", action="append", default=[], help="referrals process with a leaf server (repeatable)")
    args = parser.parse_args(argv)
    territory = load_territory(args.territory)
    try:
        source = str(args.territory.resolve().relative_to(REPO))
    except ValueError:
        source = args.territory.name
    args.output.write_text(render(territory, source, tuple(args.leaf)), encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
