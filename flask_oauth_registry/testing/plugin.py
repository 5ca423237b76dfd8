"""The pytest plugin (entry point ``pytest11``): the ``oauth_provider`` fixture.

Installing flask-oauth-registry is enough for a test to ask for it::

    def test_login(oauth_provider):
        client = app.test_client()
        token = oauth_provider.login(client, "google", claims={"email": "ada@example.com"})
        assert client.get("/me").json["email"] == "ada@example.com"

pytest imports this module in every session of an environment where the package
is installed, so it imports nothing of the library until a test asks for the fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .kit import FakeProviders


@pytest.fixture
def oauth_provider() -> Iterator[FakeProviders]:
    """Fake providers for every remote app the test's Flask apps use; removed when the test ends."""
    from .kit import FakeProviders

    kit = FakeProviders()
    kit.watch_registries()
    try:
        yield kit
    finally:
        kit.close()
