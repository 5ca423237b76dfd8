"""``contrib`` storages: dictionary, keyring, and oauth2client's multiprocess (v2) and multistore (v1) files."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from flask_oauth_registry import StorageError
from flask_oauth_registry.compat.oauth2client import client
from flask_oauth_registry.compat.oauth2client.contrib import (
    dictionary_storage,
    keyring_storage,
    locked_file,
    multiprocess_file_storage,
    multistore_file,
)
from tests.storage.backends import MemoryKeyring

from .support import ORIGINAL_CREDENTIALS_JSON


def credentials(token: str = "ya29.x") -> client.AccessTokenCredentials:
    return client.AccessTokenCredentials(token, "app/1.0")


# -- dictionary ----------------------------------------------------------------------------------
def test_dictionary_storage_keeps_to_json_under_its_key() -> None:
    session: dict[str, str] = {"google_oauth2_credentials": ORIGINAL_CREDENTIALS_JSON}
    storage = dictionary_storage.DictionaryStorage(session, "google_oauth2_credentials")

    read = storage.get()
    storage.put(credentials())
    stored = session["google_oauth2_credentials"]
    storage.delete()

    assert read.access_token == "ya29.old-access" and read.store is storage
    assert isinstance(stored, str) and json.loads(stored)["access_token"] == "ya29.x"
    assert session == {}


def test_dictionary_storage_reads_garbage_as_none() -> None:
    assert dictionary_storage.DictionaryStorage({"k": "gAR9lC4="}, "k").get() is None


# -- keyring ---------------------------------------------------------------------------------------
@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_keyring_storage_round_trip_and_delete_as_empty(memory_keyring: MemoryKeyring) -> None:
    storage = keyring_storage.Storage("application name", "user name")

    storage.put(credentials())
    stored = memory_keyring.entries[("application name", "user name")]
    read = storage.get()
    storage.delete()

    assert json.loads(stored)["_module"] == "oauth2client.client" and read.access_token == "ya29.x"
    assert memory_keyring.entries[("application name", "user name")] == "" and storage.get() is None


def test_a_locked_keyring_is_a_storage_error(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.locked = True

    with pytest.raises(StorageError, match="keyring"):
        keyring_storage.Storage("app", "user").get()


def test_without_keyring_installed_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> None:
        raise ImportError(name)

    monkeypatch.setattr(keyring_storage.importlib, "import_module", missing)

    with pytest.raises(StorageError, match=r"flask-oauth-registry\[keyring\]"):
        keyring_storage.Storage("app", "user").get()


# -- multiprocess file (oauth2client 4.x) ------------------------------------------------------------
def v2_file(path: Path, **entries: str) -> None:
    encoded = {key: base64.b64encode(value.encode()).decode() for key, value in entries.items()}
    path.write_text(json.dumps({"file_version": 2, "credentials": encoded}))


def test_multiprocess_storage_reads_and_writes_oauth2client_s_version_2_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.json"
    v2_file(path, alice=ORIGINAL_CREDENTIALS_JSON, other="not credentials at all")
    storage = multiprocess_file_storage.MultiprocessFileStorage(str(path), "alice")

    read = storage.get()
    storage.put(read)
    multiprocess_file_storage.MultiprocessFileStorage(str(path), "bob").put(credentials("ya29.bob"))

    data = json.loads(path.read_text())
    assert read.access_token == "ya29.old-access"
    assert data["file_version"] == 2 and sorted(data["credentials"]) == ["alice", "bob", "other"]
    assert json.loads(base64.b64decode(data["credentials"]["alice"])) == json.loads(ORIGINAL_CREDENTIALS_JSON)
    # An entry this facade cannot read is kept as it was (oauth2client dropped it on the next write).
    assert base64.b64decode(data["credentials"]["other"]) == b"not credentials at all"
    assert (tmp_path / "shared.json.lock").exists()


def test_another_process_s_write_is_seen_on_the_next_access(tmp_path: Path) -> None:
    path = tmp_path / "shared.json"
    storage = multiprocess_file_storage.MultiprocessFileStorage(str(path), "alice")
    storage.put(credentials("ya29.first"))

    v2_file(path, alice=credentials("ya29.written-elsewhere").to_json())

    assert storage.get().access_token == "ya29.written-elsewhere"


def test_a_corrupt_or_other_version_file_reads_empty_and_is_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "shared.json"
    path.write_text('{"file_version": 3, "credentials": {}}')
    storage = multiprocess_file_storage.MultiprocessFileStorage(str(path), "alice")

    assert storage.get() is None
    path.write_text("{not json")
    assert storage.get() is None
    storage.put(credentials())
    assert json.loads(path.read_text())["file_version"] == 2


# -- multistore file (oauth2client 3.x) ----------------------------------------------------------------
def test_multistore_reads_and_writes_oauth2client_s_version_1_file(tmp_path: Path) -> None:
    path = tmp_path / "multistore.json"
    key = {"clientId": "cid", "userAgent": "app/1.0", "scope": "email profile"}
    original = {"file_version": 1, "data": [{"key": key, "credential": json.loads(ORIGINAL_CREDENTIALS_JSON)}]}
    path.write_text(json.dumps(original, sort_keys=True, indent=2, separators=(",", ": ")))

    storage = multistore_file.get_credential_storage(str(path), "cid", "app/1.0", ["email", "profile"])
    read = storage.get()
    storage.put(read)

    assert read.access_token == "ya29.old-access"
    assert json.loads(path.read_text()) == original
    assert path.read_text() == json.dumps(original, sort_keys=True, indent=2, separators=(",", ": "))


def test_multistore_keys_by_string_and_lists_all_keys(tmp_path: Path) -> None:
    path = str(tmp_path / "multistore.json")
    multistore_file.get_credential_storage_custom_string_key(path, "alice").put(credentials("ya29.a"))
    multistore_file.get_credential_storage_custom_key(path, {"team": "b"}).put(credentials("ya29.b"))

    assert sorted(map(str, multistore_file.get_all_credential_keys(path))) == ["{'key': 'alice'}", "{'team': 'b'}"]
    assert multistore_file.get_credential_storage_custom_string_key(path, "alice").get().access_token == "ya29.a"


def test_a_newer_multistore_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "multistore.json"
    path.write_text('{"file_version": 2, "data": []}')

    with pytest.raises(multistore_file.NewerCredentialStoreError):
        multistore_file.get_credential_storage_custom_string_key(str(path), "k").get()


def test_a_symlinked_multistore_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "target.json"
    target.write_text('{"file_version": 1, "data": []}')
    link = tmp_path / "link.json"
    link.symlink_to(target)

    with pytest.raises(locked_file.CredentialsFileSymbolicLinkError):
        multistore_file.get_credential_storage_custom_string_key(str(link), "k").get()


def test_locked_file_opens_under_the_lock_and_falls_back_when_taken(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text("{}")
    first = locked_file.LockedFile(str(path), "r+", "r")
    second = locked_file.LockedFile(str(path), "r+", "r")

    first.open_and_lock()
    second.open_and_lock(timeout=0.05)

    assert first.is_locked() and first.file_handle().mode == "r+"
    assert not second.is_locked() and second.file_handle().mode == "r"
    with pytest.raises(locked_file.AlreadyLockedException):
        first.open_and_lock()
    first.unlock_and_close()
    second.unlock_and_close()
