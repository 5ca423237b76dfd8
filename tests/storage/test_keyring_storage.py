"""``KeyringStorage``: what it puts in the keyring (a test backend in memory, never the system keyring)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import keyring
import pytest

from flask_oauth_registry import StorageError
from flask_oauth_registry.storage import KeyringStorage
from tests.storage.backends import MemoryKeyring

TOKEN = {"access_token": "at-1", "token_type": "Bearer"}
SERVICE = "my-cli"


@pytest.fixture
def memory() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_each_account_has_its_own_entry_holding_the_tokens_json(memory: MemoryKeyring) -> None:
    storage = KeyringStorage(SERVICE)
    storage.set("google", "alice", TOKEN)
    storage.set("google", "alice", TOKEN, account="sub_2")

    assert json.loads(memory.entries[(SERVICE, "google_alice_")]) == TOKEN
    assert json.loads(memory.entries[(SERVICE, "google_alice_sub%5F2")]) == TOKEN
    assert json.loads(memory.entries[(SERVICE, "google_alice")]) == ["", "sub_2"]  # the account list


def test_the_last_deletion_leaves_no_entry_behind(memory: MemoryKeyring) -> None:
    storage = KeyringStorage(SERVICE)
    storage.set("google", "alice", TOKEN, account="a")
    storage.set("google", "alice", TOKEN, account="b")

    storage.delete("google", "alice", account="a")
    storage.delete("google", "alice", account="b")

    assert memory.entries == {}


def test_an_account_listed_without_its_token_is_not_reported(memory: MemoryKeyring) -> None:
    storage = KeyringStorage(SERVICE)
    storage.set("google", "alice", TOKEN, account="kept")
    memory.entries[(SERVICE, "google_alice")] = json.dumps(["kept", "lost"])  # a write that failed half-way

    assert storage.accounts("google", "alice") == ["kept"]


def test_an_entry_someone_else_wrote_reads_as_no_token(memory: MemoryKeyring) -> None:
    memory.entries[(SERVICE, "google_alice_")] = "not json"

    assert KeyringStorage(SERVICE).get("google", "alice") is None


def test_a_backend_given_explicitly_is_used_instead_of_the_configured_one(memory: MemoryKeyring) -> None:
    own = MemoryKeyring()
    KeyringStorage(SERVICE, backend=own).set("google", "alice", TOKEN)

    assert (SERVICE, "google_alice_") in own.entries and memory.entries == {}


def test_a_locked_keyring_is_a_storage_error_naming_the_service(memory: MemoryKeyring) -> None:
    storage = KeyringStorage(SERVICE)
    memory.locked = True

    with pytest.raises(StorageError, match="'my-cli'") as caught:
        storage.get("google", "alice")

    assert "KeyringLocked" in str(caught.value)
