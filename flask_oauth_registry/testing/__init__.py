"""A testing kit for apps using flask-oauth-registry: fake providers in-process, and a pytest plugin.

``oauth_provider`` (the pytest fixture, registered by the ``pytest11`` entry point) is a
:class:`FakeProviders`; ``oauth_provider.login(client, name, claims={...})`` logs a
test client's user in through the app's own views.  See ``docs/testing.rst``.
This package imports neither pytest nor anything of the tests.
"""

from __future__ import annotations

from .browser import LoginFailed, StateNotChecked
from .kit import FakeProviders
from .oauth1 import FakeOAuth1Provider
from .oauth2 import DEFAULT_SUBJECT, AuthorizationRequestRejected, FakeOAuth2Provider
from .records import Sent

__all__ = [
    "DEFAULT_SUBJECT",
    "AuthorizationRequestRejected",
    "FakeOAuth1Provider",
    "FakeOAuth2Provider",
    "FakeProviders",
    "LoginFailed",
    "Sent",
    "StateNotChecked",
]
