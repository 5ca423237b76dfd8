"""Fixtures of the registry tests: the fake OpenID provider and its relying party, and a hand-played OAuth 2 app."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from flask_oauth_registry import OAuth
from tests.fakes.keys import rsa_key
from tests.fakes.manual import register_app
from tests.fakes.oidc import FakeOpenIDProvider
from tests.fakes.relying_party import RelyingParty, make_relying_party


@pytest.fixture
def provider(requests_mock: Any) -> FakeOpenIDProvider:
    return FakeOpenIDProvider(requests_mock, rsa_key("rsa-1"))


@pytest.fixture
def rp() -> RelyingParty:
    return make_relying_party()


@pytest.fixture
def updates() -> list[tuple[Any, ...]]:
    """What ``prov``'s ``update_token`` was called with: ``(token, refresh_token, access_token)``."""
    return []


@pytest.fixture
def prov(app: Flask, updates: list[tuple[Any, ...]]) -> Any:
    """An OAuth 2 app on :mod:`tests.fakes.manual`'s provider (the test mocks ``TOKEN_URL`` and ``API``)."""

    def update_token(token: dict, refresh_token: str | None = None, access_token: str | None = None) -> None:
        updates.append((dict(token), refresh_token, access_token))

    return register_app(OAuth(app), update_token=update_token)
