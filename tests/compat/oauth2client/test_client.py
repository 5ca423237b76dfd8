"""``client``: credentials JSON as oauth2client wrote it, ``authorize(http)``, refresh, revoke and the errors."""

from __future__ import annotations

import datetime
import io
import json
import logging
import pickle
from urllib.parse import parse_qs

import pytest

from flask_oauth_registry import OAuthError
from flask_oauth_registry.compat.oauth2client import client
from flask_oauth_registry.compat.oauth2client.contrib.dictionary_storage import DictionaryStorage

from .support import API_URL, ORIGINAL_CREDENTIALS_JSON, TOKEN_URI, FakeHttp, header, in_an_hour


def make_credentials(**changes: object) -> client.OAuth2Credentials:
    values: dict[str, object] = dict(
        access_token="ya29.first", client_id="cid", client_secret="csecret", refresh_token="1//rt",
        token_expiry=in_an_hour(), token_uri=TOKEN_URI, user_agent="app/1.0",
    )
    values.update(changes)
    return client.OAuth2Credentials(**values)  # type: ignore[arg-type]


# -- the JSON ------------------------------------------------------------------------------
def test_credentials_written_by_oauth2client_are_read_with_every_member() -> None:
    credentials = client.Credentials.new_from_json(ORIGINAL_CREDENTIALS_JSON)

    assert isinstance(credentials, client.OAuth2Credentials)
    assert credentials.access_token == "ya29.old-access"
    assert credentials.refresh_token == "1//refresh-me"
    assert credentials.token_expiry == datetime.datetime(2030, 1, 2, 3, 4, 5)
    assert credentials.token_expiry.tzinfo is None
    assert credentials.scopes == {"email", "profile"}
    assert credentials.id_token == {"sub": "123", "email": "u@example.com"}
    assert credentials.token_response == {"access_token": "ya29.old-access", "expires_in": 3599}
    assert credentials.invalid is False


def test_to_json_writes_back_what_oauth2client_wrote_key_by_key() -> None:
    credentials = client.Credentials.new_from_json(ORIGINAL_CREDENTIALS_JSON)

    written = credentials.to_json()

    assert list(json.loads(written)) == list(json.loads(ORIGINAL_CREDENTIALS_JSON))
    assert json.loads(written) == json.loads(ORIGINAL_CREDENTIALS_JSON)
    assert written == ORIGINAL_CREDENTIALS_JSON


def test_the_legacy_module_name_and_bytes_are_read() -> None:
    legacy = ORIGINAL_CREDENTIALS_JSON.replace('"oauth2client.client"', '"oauth2client.googleapiclient.client"')

    credentials = client.Credentials.new_from_json(legacy.encode())

    assert json.loads(credentials.to_json())["_module"] == "oauth2client.client"


def test_access_token_credentials_round_trip_with_nulls() -> None:
    credentials = client.AccessTokenCredentials("ya29.bare", "app/1.0")

    data = json.loads(credentials.to_json())
    again = client.Credentials.new_from_json(credentials.to_json())

    assert data["_class"] == "AccessTokenCredentials" and data["refresh_token"] is None
    assert isinstance(again, client.AccessTokenCredentials) and again.access_token == "ya29.bare"


def test_an_unparsable_expiry_reads_as_none() -> None:
    data = json.loads(ORIGINAL_CREDENTIALS_JSON)
    data["token_expiry"] = "next tuesday"

    assert client.OAuth2Credentials.from_json(json.dumps(data)).token_expiry is None


def test_json_naming_any_other_module_is_refused_without_importing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # oauth2client imported whatever _module named, then called from_json on the _class found there.
    imported: list[str] = []
    monkeypatch.setattr("builtins.__import__", _recording_import(imported))
    data = json.loads(ORIGINAL_CREDENTIALS_JSON)
    data.update(_module="subprocess", _class="Popen")

    with pytest.raises(client.UnknownCredentialsTypeError) as caught:
        client.Credentials.new_from_json(json.dumps(data))

    assert "subprocess" not in imported
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, OAuthError)


def _recording_import(imported: list[str]):  # type: ignore[no-untyped-def]
    import builtins

    real = builtins.__import__

    def fake(name: str, *args: object, **kwargs: object) -> object:
        imported.append(name)
        return real(name, *args, **kwargs)  # type: ignore[arg-type]

    return fake


def test_compute_engine_credentials_say_they_are_not_provided() -> None:
    with pytest.raises(client.UnknownCredentialsTypeError, match="Compute Engine"):
        client.Credentials.new_from_json('{"_module": "oauth2client.contrib.gce", "_class": "AppAssertionCredentials"}')


def test_application_default_credentials_are_refused_with_the_replacement_named() -> None:
    with pytest.raises(client.ApplicationDefaultCredentialsError, match=r"google\.auth\.default"):
        client.GoogleCredentials.get_application_default()


# -- what a repr or a message may show -----------------------------------------------------
def test_repr_never_shows_tokens_or_the_client_secret() -> None:
    shown = repr(make_credentials()) + str(make_credentials().get_access_token())

    assert "ya29.first" not in shown and "1//rt" not in shown and "csecret" not in shown
    assert "cid" in shown


def test_pickling_drops_the_store() -> None:
    credentials = make_credentials()
    credentials.set_store(DictionaryStorage({}, "k"))

    copy = pickle.loads(pickle.dumps(credentials))

    assert copy.store is None and copy.access_token == "ya29.first"


def test_errors_are_oauth_errors_with_oauth2client_messages() -> None:
    error = client.HttpAccessTokenRefreshError("invalid_grant: Bad Request", status=400)

    assert isinstance(error, client.AccessTokenRefreshError) and isinstance(error, OAuthError)
    assert str(error) == "invalid_grant: Bad Request" and error.status == 400
    assert isinstance(client.CryptoUnavailableError("x"), NotImplementedError)


# -- expiry and scopes ------------------------------------------------------------------------
def test_a_token_in_its_last_minute_counts_as_expired() -> None:
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)

    assert make_credentials(token_expiry=now + datetime.timedelta(seconds=30)).access_token_expired
    assert not make_credentials(token_expiry=now + datetime.timedelta(minutes=5)).access_token_expired
    assert not make_credentials(token_expiry=None).access_token_expired


def test_has_scopes_is_a_subset_test_on_strings_and_lists() -> None:
    credentials = make_credentials(scopes="email profile")

    assert credentials.has_scopes("email") and credentials.has_scopes(["email", "profile"])
    assert not credentials.has_scopes(["email", "drive"])


# -- authorize(http) ----------------------------------------------------------------------------
def test_authorize_wraps_http_in_place_and_sends_the_bearer_token() -> None:
    http = FakeHttp(script=[(200, b"{}")])
    credentials = make_credentials()

    authorized = credentials.authorize(http)
    response, content = authorized.request(API_URL, headers={"accept": "application/json"})

    assert authorized is http and http.request.credentials is credentials
    assert response.status == 200
    assert header(http.sent[0], "Authorization") == "Bearer ya29.first"
    assert header(http.sent[0], "user-agent") == "app/1.0"


def test_a_401_refreshes_and_retries_with_the_body_rewound() -> None:
    http = FakeHttp(script=[
        (401, b""), (200, {"access_token": "ya29.second", "expires_in": 3600}), (200, b"done"),
    ])
    credentials = make_credentials()
    credentials.authorize(http)

    _, content = http.request(API_URL, method="POST", body=io.BytesIO(b"payload"))

    assert content == b"done"
    assert [sent.uri for sent in http.sent] == [API_URL, TOKEN_URI, API_URL]
    assert http.sent[2].body == b"payload"
    assert header(http.sent[2], "Authorization") == "Bearer ya29.second"
    form = parse_qs(http.sent[1].body)
    assert form == {"grant_type": ["refresh_token"], "client_id": ["cid"], "client_secret": ["csecret"],
                    "refresh_token": ["1//rt"]}


def test_refresh_on_401_stops_after_two_attempts() -> None:
    token = {"access_token": "ya29.next", "expires_in": 3600}
    http = FakeHttp(script=[(401, b""), (200, token), (401, b""), (200, token), (401, b"still no")])
    make_credentials().authorize(http)

    response, _ = http.request(API_URL)

    assert response.status == 401 and len(http.sent) == 5


def test_credentials_without_a_token_refresh_before_the_first_request() -> None:
    http = FakeHttp(script=[(200, {"access_token": "ya29.fresh", "expires_in": 60 * 60}), (200, b"")])
    make_credentials(access_token=None).authorize(http)

    http.request(API_URL)

    assert http.sent[0].uri == TOKEN_URI and header(http.sent[1], "Authorization") == "Bearer ya29.fresh"


def test_a_non_ascii_header_is_refused_naming_only_the_header() -> None:
    http = FakeHttp()
    make_credentials().authorize(http)

    with pytest.raises(client.NonAsciiHeaderError) as caught:
        http.request(API_URL, headers={"x-note": "caf\u00e9-ya29.secret"})

    assert "x-note" in str(caught.value) and "ya29" not in str(caught.value)


def test_access_token_credentials_cannot_refresh_on_401() -> None:
    http = FakeHttp(script=[(401, b"")])
    client.AccessTokenCredentials("ya29.bare", "app/1.0").authorize(http)

    with pytest.raises(client.AccessTokenCredentialsError):
        http.request(API_URL)


# -- refresh -------------------------------------------------------------------------------------
def test_refresh_keeps_the_refresh_token_and_follows_the_granted_scope() -> None:
    credentials = make_credentials(scopes="email profile drive")
    http = FakeHttp(script=[(200, {"access_token": "ya29.new", "expires_in": 120, "scope": "email profile"})])

    credentials.refresh(http)

    assert credentials.access_token == "ya29.new" and credentials.refresh_token == "1//rt"
    assert credentials.scopes == {"email", "profile"}
    assert credentials.get_access_token().expires_in in (119, 120)


def test_refresh_failure_names_the_error_marks_invalid_and_writes_to_the_store() -> None:
    store: dict[str, str] = {}
    credentials = make_credentials()
    credentials.set_store(DictionaryStorage(store, "creds"))
    http = FakeHttp(script=[(400, {"error": "invalid_grant", "error_description": "Token has been revoked."})])

    with pytest.raises(client.HttpAccessTokenRefreshError) as caught:
        credentials.refresh(http)

    assert str(caught.value) == "invalid_grant: Token has been revoked." and caught.value.status == 400
    assert credentials.invalid and json.loads(store["creds"])["invalid"] is True


def test_a_refresh_failure_never_logs_or_shows_the_response_body(caplog: pytest.LogCaptureFixture) -> None:
    # oauth2client logged the whole body ("Failed to retrieve access token: %s"); a proxy may echo the token.
    http = FakeHttp(script=[(502, b"<html>upstream said refresh_token=1//rt</html>")])
    caplog.set_level(logging.DEBUG)

    with pytest.raises(client.HttpAccessTokenRefreshError) as caught:
        make_credentials().refresh(http)

    assert str(caught.value) == "Invalid response 502."
    assert "1//rt" not in caplog.text


def test_refresh_adopts_a_newer_token_found_in_the_store_without_a_request() -> None:
    store: dict[str, str] = {}
    storage = DictionaryStorage(store, "creds")
    storage.put(make_credentials(access_token="ya29.from-another-process"))
    mine = make_credentials(access_token="ya29.stale")
    mine.set_store(storage)
    http = FakeHttp()

    mine.refresh(http)

    assert mine.access_token == "ya29.from-another-process" and http.sent == []


def test_a_successful_refresh_is_written_to_the_store() -> None:
    store: dict[str, str] = {}
    storage = DictionaryStorage(store, "creds")
    storage.put(make_credentials())
    credentials = storage.get()

    credentials.refresh(FakeHttp(script=[(200, {"access_token": "ya29.rotated", "refresh_token": "1//new"})]))

    saved = json.loads(store["creds"])
    assert saved["access_token"] == "ya29.rotated" and saved["refresh_token"] == "1//new"


# -- revoke and token info ---------------------------------------------------------------------------
def test_revoke_posts_the_refresh_token_in_the_body_and_empties_the_store() -> None:
    store: dict[str, str] = {}
    storage = DictionaryStorage(store, "creds")
    storage.put(make_credentials(revoke_uri="https://oauth2.googleapis.com/revoke"))
    credentials = storage.get()
    http = FakeHttp(script=[(200, b"")])

    credentials.revoke(http)

    sent = http.sent[0]
    # oauth2client sent GET ...?token=<refresh token>: the token ended up in access logs.
    assert sent.method == "POST" and "1//rt" not in sent.uri and parse_qs(sent.body) == {"token": ["1//rt"]}
    assert credentials.invalid and "creds" not in store


def test_a_refused_revocation_raises_token_revoke_error() -> None:
    http = FakeHttp(script=[(400, {"error": "invalid_token"})])

    with pytest.raises(client.TokenRevokeError, match="invalid_token"):
        make_credentials(revoke_uri="https://oauth2.googleapis.com/revoke").revoke(http)


def test_retrieve_scopes_asks_the_token_info_endpoint() -> None:
    http = FakeHttp(script=[(200, {"scope": "email drive"})])
    credentials = make_credentials(token_info_uri="https://oauth2.googleapis.com/tokeninfo")

    assert credentials.retrieve_scopes(http) == {"email", "drive"}
    assert "ya29.first" not in http.sent[0].uri
