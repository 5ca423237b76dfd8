"""``SessionStorage``: the token travels in the signed cookie, and a token too large for it is refused."""

from __future__ import annotations

import base64
import random

import pytest
from flask import Flask, session

from flask_oauth_registry import StorageError
from flask_oauth_registry.storage import SessionStorage

TOKEN = {"access_token": "at-small", "token_type": "Bearer", "expires_at": 1900000000}
# Random bytes: the session cookie is compressed, so a repetitive token would fit.
HUGE = {"access_token": base64.urlsafe_b64encode(random.Random(1).randbytes(4000)).decode(), "token_type": "Bearer"}


def make_app(app: Flask) -> Flask:
    storage = SessionStorage()

    @app.post("/store/<user>")
    def store(user: str) -> str:
        storage.set("google", user, TOKEN)
        return "stored"

    @app.get("/token/<user>")
    def show(user: str) -> dict[str, object]:
        return {"token": storage.get("google", user)}

    return app


def test_the_token_comes_back_on_the_next_request_through_the_cookie(app: Flask) -> None:
    client = make_app(app).test_client()

    client.post("/store/alice")

    assert client.get("/token/alice").get_json() == {"token": TOKEN}
    assert client.get("/token/bob").get_json() == {"token": None}
    assert app.test_client().get("/token/alice").get_json() == {"token": None}  # another browser


def test_a_token_too_large_for_the_cookie_is_refused_and_the_session_keeps_the_old_one(app: Flask) -> None:
    storage = SessionStorage()
    with app.test_request_context("/"):
        storage.set("google", "alice", TOKEN)

        with pytest.raises(StorageError, match="too large for the session cookie"):
            storage.set("google", "alice", HUGE)
        with pytest.raises(StorageError):
            storage.set("google", "alice", HUGE, account="sub-2")

        assert storage.get("google", "alice") == TOKEN
        assert storage.accounts("google", "alice") == [""]


def test_the_cookie_size_check_follows_max_cookie_size_and_zero_turns_it_off(app: Flask) -> None:
    app.config["MAX_COOKIE_SIZE"] = 0
    storage = SessionStorage()
    with app.test_request_context("/"):
        storage.set("google", "alice", HUGE)

        assert storage.get("google", "alice") == HUGE


def test_tokens_sit_beside_other_session_data_without_touching_it(app: Flask) -> None:
    storage = SessionStorage()
    with app.test_request_context("/"):
        session["_state_google_abc"] = {"exp": 1}
        session["user"] = "alice"

        storage.set("google", "alice", TOKEN)
        storage.delete("google", "alice")

        assert dict(session) == {"_state_google_abc": {"exp": 1}, "user": "alice"}


def test_peek_is_the_session_s_token_read_only_and_garbage_is_no_token(app: Flask) -> None:
    storage = SessionStorage()
    token = {"access_token": "a", "token_type": "Bearer", "userinfo": {"sub": "s"}}
    with app.test_request_context("/"):
        assert storage.peek("prov", "u") is None
        storage.set("prov", "u", token)
        peeked = storage.peek("prov", "u")
        assert peeked == token == storage.get("prov", "u")
        with pytest.raises(TypeError):
            peeked["access_token"] = "changed"  # type: ignore[index]
        session[storage._key("prov", "v", None)] = "not a token"
        assert storage.peek("prov", "v") is None
