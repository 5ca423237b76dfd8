"""Fixtures of the oauth2client facade's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flask_oauth_registry.compat.oauth2client import _id_tokens


@pytest.fixture(autouse=True)
def _forget_fetched_keys() -> Iterator[None]:
    """Each test fetches ID-token keys afresh (they are cached per process otherwise)."""
    _id_tokens._keys.clear()
    yield
    _id_tokens._keys.clear()
