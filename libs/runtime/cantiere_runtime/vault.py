"""The vaults' keyring: AES-256-GCM with key ids, so keys rotate without losing what older keys sealed.

Every sealed value is stored with the id of the key that sealed it (a ``key_id`` column beside the nonce and
the ciphertext). New writes use the *current* key; older keys stay in the keyring for reading until no row
uses them (``vault_rotation.reencrypt`` moves the rows to the current key; then the old key is retired).

Settings (each service, and each municipality of a shared referrals process):

- ``CANTIERE_VAULT_KEY``: the current key, base64 of 32 bytes, optionally prefixed by its id
  (``k2:<base64>``); without a prefix its id is ``CANTIERE_VAULT_KEY_ID`` (default ``v1``).
- ``CANTIERE_VAULT_OLD_KEYS``: older keys, for reading only: a JSON object ``{"<id>": "<base64>", ...}``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
KEY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")  # fits the 32-character key_id columns
DEFAULT_KEY_ID = "v1"
LEGACY_KEY_ID = "legacy"  # placements' rows sealed before key ids, with the key derived from CANTIERE_VAULT_SECRET


class VaultKeyError(ValueError):
    """A vault key is malformed, missing from the keyring, or does not open a record."""


def decode_key(encoded: str) -> bytes:
    """An AES-256 key from its base64 text."""
    try:
        key = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise VaultKeyError("the vault key must be base64") from None
    if len(key) != KEY_BYTES:
        raise VaultKeyError("the vault key must be 32 bytes (AES-256)")
    return key


def checked_key_id(key_id: str) -> str:
    """A key id as stored beside each record: letters, digits, ``.``, ``_``, ``-``, at most 32 characters."""
    if not KEY_ID.match(key_id):
        raise VaultKeyError(f"invalid vault key id {key_id!r}: letters, digits, '.', '_', '-', at most 32")
    return key_id


def parse_current_key(text: str, default_id: str = DEFAULT_KEY_ID) -> tuple[str, bytes]:
    """``<id>:<base64>`` or a bare ``<base64>`` (id ``default_id``) -> (id, key)."""
    text = text.strip()
    key_id, colon, encoded = text.partition(":")
    if not colon:
        key_id, encoded = default_id, text
    return checked_key_id(key_id), decode_key(encoded)


def parse_old_keys(text: str | None) -> dict[str, bytes]:
    """``{"<id>": "<base64>", ...}`` (empty or unset: no older key)."""
    if text is None or not text.strip():
        return {}
    try:
        found = json.loads(text)
    except json.JSONDecodeError:
        raise VaultKeyError('the old vault keys must be a JSON object {"<id>": "<base64>"}') from None
    if not isinstance(found, dict) or not all(isinstance(v, str) for v in found.values()):
        raise VaultKeyError('the old vault keys must be a JSON object {"<id>": "<base64>"}')
    return {checked_key_id(key_id): decode_key(encoded) for key_id, encoded in found.items()}


def legacy_secret_key(secret: str) -> bytes:
    """The key placements derived from ``CANTIERE_VAULT_SECRET`` before key ids (SHA-256 of the text)."""
    return hashlib.sha256(secret.encode()).digest()


@dataclass(frozen=True)
class Sealed:
    """What is stored for one value: the id of the key that sealed it, the nonce, the ciphertext with its tag."""

    key_id: str
    nonce: bytes
    ciphertext: bytes


class Keyring:
    """The current key (new writes) and older keys (reading only), by id. Never shows a key."""

    def __init__(self, current_id: str, keys: Mapping[str, bytes]) -> None:
        if current_id not in keys:
            raise VaultKeyError(f"the current vault key {current_id!r} is not in the keyring")
        for key_id, key in keys.items():
            checked_key_id(key_id)
            if len(key) != KEY_BYTES:
                raise VaultKeyError(f"the vault key {key_id!r} must be 32 bytes (AES-256)")
        self.current_id = current_id
        self._aead = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self._fingerprints = {key_id: hashlib.sha256(key).hexdigest() for key_id, key in keys.items()}

    @classmethod
    def from_settings(
        cls,
        current: str,
        default_id: str = DEFAULT_KEY_ID,
        old_keys: str | None = None,
        more: Mapping[str, bytes] | None = None,
    ) -> Keyring:
        """The keyring of ``CANTIERE_VAULT_KEY`` (+ ``_KEY_ID``) and ``CANTIERE_VAULT_OLD_KEYS`` (+ ``more``)."""
        current_id, key = parse_current_key(current, default_id)
        keys = {**(more or {}), **parse_old_keys(old_keys)}
        if current_id in keys and keys[current_id] != key:
            raise VaultKeyError(f"the vault key id {current_id!r} names two different keys")
        return cls(current_id, {**keys, current_id: key})

    @property
    def ids(self) -> frozenset[str]:
        """Every key id this keyring can open."""
        return frozenset(self._aead)

    def fingerprints(self) -> frozenset[str]:
        """SHA-256 of each key: compares keyrings (no key shared between municipalities) without showing keys."""
        return frozenset(self._fingerprints.values())

    def seal(self, plain: bytes, associated: bytes) -> Sealed:
        """Encrypt with the current key and a fresh nonce; ``associated`` (e.g. the person id) binds the row."""
        nonce = os.urandom(NONCE_BYTES)
        return Sealed(self.current_id, nonce, self._aead[self.current_id].encrypt(nonce, plain, associated))

    def open(self, sealed: Sealed, associated: bytes) -> bytes:
        """Decrypt with the key that sealed it (VaultKeyError if that key is not here or does not open it)."""
        aead = self._aead.get(sealed.key_id)
        if aead is None:
            raise VaultKeyError(f"the vault key {sealed.key_id!r} is not configured (CANTIERE_VAULT_OLD_KEYS)")
        try:
            return aead.decrypt(sealed.nonce, sealed.ciphertext, associated)
        except InvalidTag:
            raise VaultKeyError(f"the vault record cannot be opened with the key {sealed.key_id!r}") from None

    def __repr__(self) -> str:
        return f"Keyring(current={self.current_id!r}, ids={sorted(self.ids)!r})"
