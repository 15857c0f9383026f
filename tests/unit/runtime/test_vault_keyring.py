"""The vaults' keyring: new values under the current key, older keys read until retired, keys never shown."""

from __future__ import annotations

import base64
import json
import os

import pytest
from cantiere_runtime.vault import Keyring, VaultKeyError, legacy_secret_key, parse_current_key

OLD, NEW = os.urandom(32), os.urandom(32)


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


def test_a_value_sealed_before_rotation_opens_with_the_old_key_kept_for_reading() -> None:
    before = Keyring.from_settings(b64(OLD))  # CANTIERE_VAULT_KEY alone: id v1, as deployments run today
    sealed = before.seal(b"Giovanna", b"person-1")
    after = Keyring.from_settings(f"k2:{b64(NEW)}", old_keys=json.dumps({"v1": b64(OLD)}))
    assert sealed.key_id == "v1" and after.current_id == "k2"
    assert after.open(sealed, b"person-1") == b"Giovanna"
    assert after.seal(b"Rosa", b"person-2").key_id == "k2"  # new writes use the new key


def test_a_keyring_without_the_sealing_key_names_the_missing_key() -> None:
    sealed = Keyring.from_settings(b64(OLD)).seal(b"Giovanna", b"person-1")
    with pytest.raises(VaultKeyError, match="'v1' is not configured"):
        Keyring.from_settings(f"k2:{b64(NEW)}").open(sealed, b"person-1")


def test_a_sealed_value_moved_to_another_person_does_not_open() -> None:
    ring = Keyring.from_settings(b64(OLD))
    with pytest.raises(VaultKeyError, match="cannot be opened"):
        ring.open(ring.seal(b"Giovanna", b"person-1"), b"person-2")


def test_the_key_id_of_a_bare_key_comes_from_its_own_setting() -> None:
    assert parse_current_key(b64(OLD), "mola-1") == ("mola-1", OLD)
    assert parse_current_key(f"k2:{b64(NEW)}\n", "mola-1") == ("k2", NEW)


@pytest.mark.parametrize(
    "current, old",
    [
        (b64(b"too short"), None),
        ("not base64!", None),
        (f"bad id!:{b64(NEW)}", None),
        (b64(NEW), "not json"),
        (b64(NEW), json.dumps(["a list"])),
        (b64(NEW), json.dumps({"v1": b64(OLD)})),  # one id, two keys
    ],
)
def test_malformed_keys_are_refused(current: str, old: str | None) -> None:
    with pytest.raises(VaultKeyError):
        Keyring.from_settings(current, old_keys=old)


def test_the_legacy_secret_key_is_the_digest_placements_derived_before_key_ids() -> None:
    import hashlib

    assert legacy_secret_key("some secret") == hashlib.sha256(b"some secret").digest()


def test_a_keyring_never_shows_a_key() -> None:
    ring = Keyring.from_settings(f"k2:{b64(NEW)}", old_keys=json.dumps({"v1": b64(OLD)}))
    shown = repr(ring) + str(ring)
    assert "k2" in shown and "v1" in shown
    assert b64(NEW) not in shown and b64(OLD) not in shown and NEW.hex() not in shown
