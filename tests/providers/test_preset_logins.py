"""Every built-in preset logs in end to end, against the endpoints and answers its provider documents.

For each preset, ``recordings/<name>.py`` holds what the provider's public
documentation shows (see ``recording.py``); this test registers the preset with
its options, follows the authorization redirect through Flask's test client,
answers at the documented endpoints with requests-mock, and checks the
authorization URL, the token request's client authentication and headers, the
normalized ``userinfo()`` and, where the provider has one, the refresh path.
"""

from __future__ import annotations

import base64
import importlib
import time
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
from flask import Flask, jsonify, url_for

from flask_oauth_registry import OAuth
from flask_oauth_registry.providers import preset_names
from tests.fakes.keys import ec_key, jwks, rsa_key
from tests.providers.recording import Recording

CLIENT_ID = "test-client-id"
CODE = "test-authorization-code"


def recording_of(name: str) -> Recording:
    try:
        module = importlib.import_module(f"tests.providers.recordings.{name}")
    except ModuleNotFoundError:
        pytest.fail(f"the {name} preset has no recording: add tests/providers/recordings/{name}.py", pytrace=False)
    recording: Recording = module.RECORDING
    return recording


def _url_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _form(request: Any) -> dict[str, str]:
    return dict(parse_qsl(request.text or "", keep_blank_values=True))


def _signing_key(alg: str) -> Any:
    return ec_key("preset-ec") if alg.startswith("ES") else rsa_key("preset-rsa", alg=alg)


class PresetLogin:
    """One preset's app, its mocked provider and what was sent to it."""

    def __init__(self, name: str, recording: Recording, requests_mock: Any) -> None:
        self.name, self.recording, self.mock = name, recording, requests_mock
        self.app = Flask(__name__)
        self.app.config.update(SECRET_KEY="preset-login-test", TESTING=True)
        self.updates: list[dict[str, Any]] = []
        self.nonce: str | None = None
        oauth = OAuth(self.app)
        secret = {"client_secret": recording.client_secret} if recording.client_secret is not None else {}
        self.client = oauth.register(
            name, client_id=CLIENT_ID, update_token=self._on_update, **secret, **recording.options
        )
        self.tokens: list[dict[str, Any]] = []
        self._routes()
        self._provider()

    def _on_update(self, token: dict[str, Any], refresh_token: Any = None, access_token: Any = None) -> None:
        self.updates.append(dict(token))

    def _routes(self) -> None:
        client, tokens = self.client, self.tokens

        @self.app.route("/login")
        def login() -> Any:
            return client.authorize_redirect(url_for("callback", _external=True))

        @self.app.route("/callback", methods=["GET", "POST"])
        def callback() -> Any:
            token = client.authorize_access_token()
            tokens.append(dict(token))
            return jsonify(dict(client.userinfo(token=token)))

    def _provider(self) -> None:
        rec = self.recording
        if rec.discovery is not None:
            url, document = rec.discovery
            self.key = _signing_key(rec.id_token_alg)
            self.mock.get(url, json=document)
            self.mock.get(document["jwks_uri"], json=jwks(self.key))
        for api_url, answer in rec.api.items():
            self.mock.register_uri(rec.api_method, api_url, json=answer)
        if rec.request_token_endpoint:
            temporary = "oauth_token=temp-token&oauth_token_secret=temp-secret&oauth_callback_confirmed=true"
            form_type = {"Content-Type": "application/x-www-form-urlencoded"}
            self.mock.post(rec.request_token_endpoint, text=temporary, headers=form_type)
        self.mock.post(rec.token_endpoint, text=self._token_answer, headers={"Content-Type": rec.token_content_type})

    def _token_answer(self, request: Any, context: Any) -> str:
        import json

        answer = self.recording.token_answer
        if isinstance(answer, str):
            return answer
        answer = dict(answer)
        if self.recording.discovery is not None and _form(request).get("grant_type") == "authorization_code":
            answer["id_token"] = self.id_token()
        return json.dumps(answer)

    def id_token(self) -> str:
        assert self.recording.discovery is not None
        now = int(time.time())
        claims = {"iss": self.recording.discovery[1]["issuer"], "aud": CLIENT_ID, "iat": now, "exp": now + 600}
        if self.nonce:
            claims["nonce"] = self.nonce
        return str(self.key.sign({**claims, **self.recording.id_token_claims}))

    def token_requests(self) -> list[Any]:
        endpoint = self.recording.token_endpoint
        return [r for r in self.mock.request_history if r.method == "POST" and _url_of(r.url) == endpoint]


def check_client_auth(recording: Recording, request: Any) -> None:
    form = _form(request)
    header = request.headers.get("Authorization", "")
    header = header.decode() if isinstance(header, bytes) else header
    if recording.client_auth == "client_secret_basic":
        assert header.startswith("Basic ")
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        assert (unquote(user), unquote(password)) == (CLIENT_ID, recording.client_secret)
        assert "client_secret" not in form
    elif recording.client_auth == "client_secret_post":
        assert (form.get("client_id"), form.get("client_secret")) == (CLIENT_ID, recording.client_secret)
        assert not header.startswith("Basic ")
    elif recording.client_auth == "none":
        assert form.get("client_id") == CLIENT_ID and "client_secret" not in form and not header
    for key, value in recording.token_headers.items():
        assert request.headers.get(key) == value, key


@pytest.mark.parametrize("name", preset_names())
def test_preset_login_follows_the_providers_documented_flow(name: str, requests_mock: Any) -> None:
    recording = recording_of(name)
    if recording.flow == "jwt_bearer":
        return check_jwt_bearer(name, recording, requests_mock)
    login = PresetLogin(name, recording, requests_mock)
    web = login.app.test_client()

    redirect = web.get("/login")
    assert redirect.status_code == 302, redirect.get_data(as_text=True)
    location = redirect.headers["Location"]
    params = dict(parse_qsl(urlsplit(location).query))
    assert _url_of(location) == recording.authorize_endpoint
    for key, value in recording.authorize_params.items():
        assert params.get(key) == value, (key, params)
    if recording.flow == "oauth1":
        callback = {"oauth_token": params["oauth_token"], "oauth_verifier": "test-verifier"}
    else:
        assert params["client_id"] == CLIENT_ID and params["response_type"] == "code"
        login.nonce = params.get("nonce")
        callback = {"code": CODE, "state": params["state"], **recording.callback_fields}

    if recording.callback_method == "POST":
        answer = web.post("/callback", data=callback)
    else:
        answer = web.get("/callback", query_string=callback)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    claims = answer.get_json()

    exchange = login.token_requests()[-1]
    if recording.flow == "code":
        form = _form(exchange)
        assert form["grant_type"] == "authorization_code" and form["code"] == CODE
        check_client_auth(recording, exchange)
    else:
        header = exchange.headers["Authorization"]
        assert 'oauth_verifier="test-verifier"' in (header.decode() if isinstance(header, bytes) else header)
    assert isinstance(claims["sub"], str) and claims["sub"]
    for key, value in recording.claims.items():
        assert claims.get(key) == value, (key, claims)
    api_calls = [r for r in requests_mock.request_history
                 if r.method == recording.api_method and r.url.split("?")[0] in recording.api]
    assert api_calls or recording.discovery is not None
    for call in api_calls:
        for key, value in recording.api_headers.items():
            assert call.headers.get(key) == value, (key, call.url)

    if recording.refresh_answer is not None:
        check_refresh(login, recording, requests_mock)


def check_refresh(login: PresetLogin, recording: Recording, requests_mock: Any) -> None:
    """An expired token is refreshed once at the token endpoint, with the client's authentication."""
    import json

    assert recording.refresh_answer is not None
    token = {**login.tokens[-1], "expires_at": int(time.time()) - 60}
    refresh_token = token.get("refresh_token")
    assert refresh_token, "the recorded token answer has no refresh_token to refresh with"
    requests_mock.post(recording.token_endpoint, text=json.dumps(recording.refresh_answer),
                       headers={"Content-Type": "application/json"})
    before = len(login.token_requests())
    with login.app.test_request_context("/"):
        login.client.userinfo(token=token)
    refreshes = login.token_requests()[before:]
    assert len(refreshes) == 1
    form = _form(refreshes[0])
    assert form["grant_type"] == "refresh_token" and form["refresh_token"] == refresh_token
    check_client_auth(recording, refreshes[0])
    assert login.updates and login.updates[-1]["access_token"] == recording.refresh_answer["access_token"]


def check_jwt_bearer(name: str, recording: Recording, requests_mock: Any) -> None:
    """A preset without a browser (service accounts): the JWT-bearer grant at the documented endpoint."""
    app = Flask(__name__)
    client = OAuth(app).register(name, **recording.options)
    assert isinstance(recording.token_answer, dict)
    requests_mock.post(recording.token_endpoint, json=recording.token_answer)
    with app.app_context():
        token = client.fetch_access_token()
    form = _form(requests_mock.last_request)
    assert form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer" and form["assertion"].count(".") == 2
    assert token["access_token"] == recording.token_answer["access_token"]
