"""The ``TokenStorage`` contract, run against every backend (see tests/storage/backends.py).

What an application relies on whichever storage it picks: a token comes back as
it went in, keys never collide, accounts stay apart, and a failing backend is a
:class:`StorageError`, never "no token", with nothing stored half-way.
"""

from __future__ import annotations

import traceback
from typing import Any

import pytest

from flask_oauth_registry import StorageError
from flask_oauth_registry.registry.tokens import OAuth2Token
from flask_oauth_registry.storage import DEFAULT_ACCOUNT
from tests.storage.backends import Backend

TOKEN = {"access_token": "at-first", "token_type": "Bearer", "expires_at": 1900000000, "refresh_token": "rt-first"}
NEWER = {"access_token": "at-second", "token_type": "Bearer", "expires_at": 1900003600, "refresh_token": "rt-second"}


def token(label: str) -> dict[str, Any]:
    return {"access_token": f"at-{label}", "token_type": "Bearer"}


def test_a_stored_token_comes_back(backend: Backend) -> None:
    backend.storage.set("google", "alice", TOKEN)

    assert backend.storage.get("google", "alice") == TOKEN


def test_set_replaces_the_token_of_the_same_key(backend: Backend) -> None:
    backend.storage.set("google", "alice", TOKEN)
    backend.storage.set("google", "alice", NEWER)

    assert backend.storage.get("google", "alice") == NEWER
    assert backend.storage.accounts("google", "alice") == [DEFAULT_ACCOUNT]


def test_delete_forgets_the_token_and_deleting_again_is_fine(backend: Backend) -> None:
    backend.storage.set("google", "alice", TOKEN)

    backend.storage.delete("google", "alice")
    backend.storage.delete("google", "alice")

    assert backend.storage.get("google", "alice") is None
    assert backend.storage.accounts("google", "alice") == []


def test_unknown_entries_are_none(backend: Backend) -> None:
    backend.storage.set("google", "alice", TOKEN)

    assert backend.storage.get("github", "alice") is None
    assert backend.storage.get("google", "bob") is None
    assert backend.storage.get("google", "alice", account="someone-else") is None
    assert backend.storage.accounts("github", "alice") == []


def test_accounts_of_one_provider_are_kept_apart_and_listed(backend: Backend) -> None:
    backend.storage.set("google", "alice", token("work"), account="sub-work")
    backend.storage.set("google", "alice", token("home"), account="sub-home")
    backend.storage.set("google", "alice", token("default"))

    assert backend.storage.get("google", "alice", account="sub-work") == token("work")
    assert backend.storage.get("google", "alice", account="sub-home") == token("home")
    assert backend.storage.get("google", "alice") == token("default")
    assert backend.storage.get("google", "alice", account=DEFAULT_ACCOUNT) == token("default")
    assert backend.storage.accounts("google", "alice") == [DEFAULT_ACCOUNT, "sub-home", "sub-work"]


def test_deleting_one_account_keeps_the_others(backend: Backend) -> None:
    backend.storage.set("google", "alice", token("work"), account="sub-work")
    backend.storage.set("google", "alice", token("home"), account="sub-home")

    backend.storage.delete("google", "alice", account="sub-work")

    assert backend.storage.get("google", "alice", account="sub-work") is None
    assert backend.storage.get("google", "alice", account="sub-home") == token("home")
    assert backend.storage.accounts("google", "alice") == ["sub-home"]


# Each pair would share a key if names, users and accounts were joined with "_" unescaped.
AMBIGUOUS_KEYS = [
    ("corp", "eu_alice", ""),
    ("corp_eu", "alice", ""),
    ("corp", "eu", "alice"),
    ("corp_eu_alice", "x", ""),
    ("corp%5Feu", "alice", ""),
    ("corp", "eu%5Falice", ""),
    ("corp", "eu", "_alice"),
    ("corp", "eu_", "alice"),
]


def test_app_names_users_and_accounts_that_prefix_each_other_are_kept_apart(backend: Backend) -> None:
    for index, (name, user, account) in enumerate(AMBIGUOUS_KEYS):
        backend.storage.set(name, user, token(str(index)), account=account)

    for index, (name, user, account) in enumerate(AMBIGUOUS_KEYS):
        assert backend.storage.get(name, user, account=account) == token(str(index)), (name, user, account)
    assert backend.storage.accounts("corp", "eu") == ["_alice", "alice"]
    assert backend.storage.accounts("corp", "eu_alice") == [DEFAULT_ACCOUNT]
    assert backend.storage.accounts("corp_eu", "alice") == [DEFAULT_ACCOUNT]


def test_users_are_kept_apart(backend: Backend) -> None:
    backend.storage.set("google", "alice", token("alice"))
    backend.storage.set("google", "bob", token("bob"))
    backend.storage.delete("google", "bob")

    assert backend.storage.get("google", "alice") == token("alice")
    assert backend.storage.get("google", "bob") is None


def test_unicode_and_nested_values_round_trip_exactly(backend: Backend) -> None:
    stored = {
        "access_token": "at-ünïcødé-東京-🔑",
        "expires_at": 1900000000,
        "id_token_claims": {"name": "Zoë Ångström", "groups": ["a", "β", {"nested": [1, 2.5, None, True]}]},
        "scope": "openid email",
        "empty": {},
    }
    backend.storage.set("google", "zoë", stored, account="sub-日本")

    assert backend.storage.get("google", "zoë", account="sub-日本") == stored
    assert backend.storage.accounts("google", "zoë") == ["sub-日本"]


def test_an_oauth2_token_goes_in_and_a_plain_dict_equal_to_it_comes_out(backend: Backend) -> None:
    backend.storage.set("google", "alice", OAuth2Token(TOKEN))

    found = backend.storage.get("google", "alice")

    assert type(found) is dict and found == TOKEN


def test_the_token_returned_is_a_copy(backend: Backend) -> None:
    given: dict[str, Any] = {"access_token": "at-1", "extra": {"k": "v"}}
    backend.storage.set("google", "alice", given)
    given["extra"]["k"] = "changed by the caller"

    found = backend.storage.get("google", "alice")
    assert found is not None
    found["access_token"] = "changed too"

    assert backend.storage.get("google", "alice") == {"access_token": "at-1", "extra": {"k": "v"}}


@pytest.mark.parametrize("bad", [{"access_token": b"bytes"}, {"expires_in": float("nan")}, ["not", "a", "mapping"]])
def test_a_token_json_cannot_hold_is_refused_and_nothing_is_stored(backend: Backend, bad: Any) -> None:
    with pytest.raises(StorageError):
        backend.storage.set("google", "alice", bad)

    assert backend.storage.get("google", "alice") is None


@pytest.mark.parametrize("user", [None, "", 42])
def test_a_user_that_is_not_a_non_empty_string_is_refused(backend: Backend, user: Any) -> None:
    with pytest.raises(ValueError, match="user must be a non-empty string"):
        backend.storage.set("google", user, TOKEN)
    with pytest.raises(ValueError, match="user must be a non-empty string"):
        backend.storage.get("google", user)


def test_a_failed_replace_raises_storage_error_and_the_old_token_stays(backend: Backend) -> None:
    backend.storage.set("google", "alice", TOKEN)

    with backend.broken(), pytest.raises(StorageError) as caught:
        backend.storage.set("google", "alice", NEWER)

    assert caught.value.error == "storage_unavailable"
    assert backend.storage.get("google", "alice") == TOKEN
    backend.storage.set("google", "alice", NEWER)  # the backend works again once it is back
    assert backend.storage.get("google", "alice") == NEWER


def test_a_failed_first_store_leaves_nothing_behind(backend: Backend) -> None:
    backend.storage.set("google", "alice", token("home"), account="sub-home")

    with backend.broken(), pytest.raises(StorageError):
        backend.storage.set("google", "alice", TOKEN, account="sub-work")

    assert backend.storage.get("google", "alice", account="sub-work") is None
    assert backend.storage.accounts("google", "alice") == ["sub-home"]


def test_a_storage_error_shows_no_token(backend: Backend) -> None:
    backend.storage.set("google", "alice", TOKEN)

    with backend.broken(), pytest.raises(StorageError) as caught:
        backend.storage.set("google", "alice", NEWER)

    shown = str(caught.value) + repr(caught.value) + "".join(traceback.format_exception(caught.value))
    for secret in ("at-first", "rt-first", "at-second", "rt-second"):
        assert secret not in shown


def test_a_failing_backend_is_an_error_never_an_absent_token(failing_reads_backend: Backend) -> None:
    storage = failing_reads_backend.storage
    storage.set("google", "alice", TOKEN)

    with failing_reads_backend.broken(), pytest.raises(StorageError):
        storage.get("google", "alice")
    with failing_reads_backend.broken(), pytest.raises(StorageError):
        storage.accounts("google", "alice")

    assert storage.get("google", "alice") == TOKEN


def test_a_failed_delete_raises_and_the_token_stays(failing_reads_backend: Backend) -> None:
    storage = failing_reads_backend.storage
    storage.set("google", "alice", TOKEN)

    with failing_reads_backend.broken(), pytest.raises(StorageError):
        storage.delete("google", "alice")

    assert storage.get("google", "alice") == TOKEN
