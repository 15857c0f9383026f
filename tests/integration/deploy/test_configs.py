"""Every NATS config file parses (nats-server -t) and the committed accounts.conf is what the generator writes."""

from __future__ import annotations

import os
import re
import subprocess

import pytest
from cantiere_runtime.nats_server import nats_server_binary

from .conftest import NATS_DIR, PASSWORDS, generate

CONFIGS = sorted(NATS_DIR.rglob("*.conf"))


def test_there_are_single_node_cluster_and_leaf_configs() -> None:
    names = {str(p.relative_to(NATS_DIR)) for p in CONFIGS}
    assert {"accounts.conf", "nats-server.conf", "leaf/hub.conf", "leaf/bari-leaf.conf"} <= names
    assert {f"cluster/node-{n}.conf" for n in (1, 2, 3)} <= names


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: str(p.relative_to(NATS_DIR)))
def test_every_config_file_passes_nats_server_check(config) -> None:  # type: ignore[no-untyped-def]
    result = subprocess.run(
        [nats_server_binary(), "-t", "-c", str(config)],
        env={**os.environ, **PASSWORDS},
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_a_missing_password_variable_stops_the_server_from_starting() -> None:
    env = {k: v for k, v in {**os.environ, **PASSWORDS}.items() if k != "NATS_PASSWORD_BARI"}
    result = subprocess.run(
        [nats_server_binary(), "-t", "-c", str(NATS_DIR / "nats-server.conf")],
        env=env,
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert result.returncode != 0 and "NATS_PASSWORD_BARI" in result.stderr


def test_the_committed_accounts_files_are_what_the_generator_writes() -> None:
    territory = generate.yaml.safe_load(generate.DEFAULT_TERRITORY.read_text(encoding="utf-8"))
    source = "libs/runtime/cantiere_runtime/territories/bari-pilot.yaml"
    assert (NATS_DIR / "accounts.conf").read_text(encoding="utf-8") == generate.render(territory, source)
    leaf = (NATS_DIR / "leaf/accounts-leaf.conf").read_text(encoding="utf-8")
    assert leaf == generate.render(territory, source, ("bari",))


def test_every_pilot_municipality_gets_its_own_referrals_user() -> None:
    text = (NATS_DIR / "accounts.conf").read_text(encoding="utf-8")
    for code in [
        "bari",
        "mola-di-bari",
        "noicattaro",
        "rutigliano",
        "triggiano",
        "adelfia",
        "capurso",
        "cellamare",
        "valenzano",
    ]:
        assert f'user: "referrals-{code}"' in text
    assert 'user: "placements-ati-cantiere"' in text and 'user: "monitoring-cabina-di-regia"' in text


def test_each_service_user_may_subscribe_to_its_own_inbox_prefix_only() -> None:
    territory = generate.yaml.safe_load(generate.DEFAULT_TERRITORY.read_text(encoding="utf-8"))
    users = generate.users_for(territory, leaves=("bari",))
    prefixes = {u.name: generate.inbox_prefix(u.name) for u in users if u.inbox and not u.admin}
    assert len(set(prefixes.values())) == len(prefixes)
    for user in users:
        text = user.render()
        subscribe = text.split("subscribe:", 1)[1]
        inbox_grants = set(re.findall(r'"(_INBOX[^"]*)"', subscribe))
        if user.admin:
            assert inbox_grants == {"_INBOX.>"}  # `cantiere streams`, default prefix
        elif user.inbox:
            assert inbox_grants == {f"{prefixes[user.name]}.>"}, user.name
            assert f"CANTIERE_NATS__INBOX_PREFIX={prefixes[user.name]}" in text
        else:  # a leaf link subscribes to no inbox
            assert inbox_grants == set(), user.name
    # The committed file carries the same grants (and nobody but the admin gets _INBOX.>).
    committed = (NATS_DIR / "accounts.conf").read_text(encoding="utf-8")
    subscribe_blocks = re.findall(r"subscribe: \{\s*allow: \[(.*?)\]", committed, re.S)
    assert subscribe_blocks and all('"_INBOX.>"' not in block for block in subscribe_blocks)


def test_no_password_is_written_in_any_config() -> None:
    for config in CONFIGS:
        for line in config.read_text(encoding="utf-8").splitlines():
            match = re.match(r"\s*password:\s*(\S+)", line)
            if match:
                assert match.group(1).startswith("$NATS_PASSWORD_"), f"{config}: {line.strip()}"


def test_the_generator_refuses_codes_that_would_share_a_password_variable() -> None:
    territory = {
        "municipalities": [{"code": "mola-di-bari"}, {"code": "mola_di_bari"}],
        "partners": {"consortium": {"code": "ati"}, "monitoring": {"code": "cabina"}},
    }
    with pytest.raises(ValueError):
        generate.users_for(territory)
