"""Fixtures of the OpenID Connect tests: an in-test provider and a relying party."""

from __future__ import annotations

from typing import Any

import pytest

from tests.registry.oidc_fixtures import FakeOpenIDProvider, RelyingParty, make_relying_party, rsa_key


@pytest.fixture
def provider(requests_mock: Any) -> FakeOpenIDProvider:
    return FakeOpenIDProvider(requests_mock, rsa_key("rsa-1"))


@pytest.fixture
def rp() -> RelyingParty:
    return make_relying_party()
