"""Every NATS config file parses (nats-server -t) and the committed accounts.conf is what the generator writes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from cantiere_runtime.nats_server import nats_server_binary
from cantiere_runtime.territory import TERRITORIES_DIR, Municipality, load_territory

from .conftest import NATS_DIR, PASSWORDS, REPO, compose_generate, generate, pilot_territory

CONFIGS = sorted(NATS_DIR.rglob("*.conf"))


def test_there_are_single_node_cluster_and_leaf_configs() -> None:
    names = {str(p.relative_to(NATS_DIR)) for p in CONFIGS}
    assert {"accounts.conf", "nats-server.conf", "leaf/hub.conf", "leaf/bari-leaf.conf"} <= names
    assert {f"cluster/node-{n}.conf" for n in (1, 2, 3)} <= names


def checkable(config: Path, tmp: Path) -> Path:
    """The config as nats-server checks it: where it reads compose secrets (/run/secrets), a copy of deploy/nats
    reading them from ``tmp``, with the TLS files `make secrets` makes under their compose targets."""
    text = config.read_text(encoding="utf-8")
    if "/run/secrets" not in text:
        return config
    secrets = tmp / "secrets"
    compose_generate.write_secrets(pilot_territory(), secrets)
    for ref in yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))["services"]["nats"]["secrets"]:
        shutil.copyfile(secrets / ref["source"], secrets / ref["target"])
    copy = tmp / "nats" / config.relative_to(NATS_DIR)
    shutil.copytree(NATS_DIR, tmp / "nats")
    copy.write_text(text.replace("/run/secrets", str(secrets)), encoding="utf-8")
    return copy


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: str(p.relative_to(NATS_DIR)))
def test_every_config_file_passes_nats_server_check(config: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [nats_server_binary(), "-t", "-c", str(checkable(config, tmp_path))],
        env={**os.environ, **PASSWORDS},
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_a_missing_password_variable_stops_the_server_from_starting(tmp_path: Path) -> None:
    env = {k: v for k, v in {**os.environ, **PASSWORDS}.items() if k != "NATS_PASSWORD_AMBITO_BARI"}
    result = subprocess.run(
        [nats_server_binary(), "-t", "-c", str(checkable(NATS_DIR / "nats-server.conf", tmp_path))],
        env=env,
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert result.returncode != 0 and "NATS_PASSWORD_AMBITO_BARI" in result.stderr


def test_the_committed_accounts_files_are_what_the_generator_writes() -> None:
    territory = pilot_territory()
    source = "libs/runtime/cantiere_runtime/territories/bari-pilot.yaml"
    assert (NATS_DIR / "accounts.conf").read_text(encoding="utf-8") == generate.render(territory, source)
    leaf = (NATS_DIR / "leaf/accounts-leaf.conf").read_text(encoding="utf-8")
    assert leaf == generate.render(territory, source, ("ambito-bari",))


def test_the_pilot_gets_one_referrals_user_per_ambito_process() -> None:
    text = (NATS_DIR / "accounts.conf").read_text(encoding="utf-8")
    users = set(re.findall(r'user: "([^"]+)"', text))
    assert {u for u in users if u.startswith("referrals-")} == {
        "referrals-ambito-bari",
        "referrals-ambito-mola-di-bari",
        "referrals-ambito-triggiano",
    }
    assert {"placements-ati-cantiere", "monitoring-cabina-di-regia", "cantiere-admin"} <= users
    assert "password: $NATS_PASSWORD_AMBITO_TRIGGIANO" in text


def test_an_ambito_user_is_granted_exactly_the_union_of_its_municipalities() -> None:
    groups = dict(pilot_territory().referrals_groups())
    user = generate.referrals_user("ambito-triggiano", groups["ambito-triggiano"])
    subjects = [*user.publish, *user.subscribe, *[c.filter for c in user.consumers]]
    partners = {s.split(".")[3] for s in subjects if not s.startswith("cantiere.deadletter.")}
    assert partners == {"triggiano", "adelfia", "capurso", "cellamare", "valenzano"}
    durables = {c.durable for c in user.consumers}
    assert durables == {f"referrals-{m}-timeline{s}" for m in groups["ambito-triggiano"] for s in ("", "-restricted")}


def test_a_per_municipality_territory_gets_one_referrals_user_per_municipality() -> None:
    valdorsa = load_territory(TERRITORIES_DIR / "valdorsa-demo.yaml")
    names = {u.name for u in generate.users_for(valdorsa) if u.name.startswith("referrals-")}
    assert names == {f"referrals-{m.code}" for m in valdorsa.municipalities}
    pilot = pilot_territory().model_copy(update={"referrals_services": "per_municipality"})
    users = {u.name: u for u in generate.users_for(pilot) if u.name.startswith("referrals-")}
    assert set(users) == {f"referrals-{m.code}" for m in pilot.municipalities}
    assert users["referrals-mola-di-bari"].password_var == "NATS_PASSWORD_MOLA_DI_BARI"
    assert "noicattaro" not in users["referrals-mola-di-bari"].render()


def test_each_service_user_may_subscribe_to_its_own_inbox_prefix_only() -> None:
    users = generate.users_for(pilot_territory(), leaves=("ambito-bari",))
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
    pilot = pilot_territory()
    clash = pilot.model_copy(
        update={"referrals_services": "per_municipality", "municipalities": (Municipality(code="admin", name="A"),)}
    )
    with pytest.raises(ValueError, match="NATS_PASSWORD"):
        generate.users_for(clash)  # referrals-admin and cantiere-admin would share NATS_PASSWORD_ADMIN


def test_a_leaf_is_named_by_its_referrals_process() -> None:
    with pytest.raises(ValueError, match="ambito-bari"):
        generate.users_for(pilot_territory(), leaves=("bari",))
