"""A provider the test answers by hand with requests-mock: its URLs, an app registered against them, token answers.

For tests of one step (an API call, a refresh, a compliance hook) where a whole
:class:`.FakeOpenIDProvider` would be noise: the test mocks ``TOKEN_URL`` or ``API``
itself and builds the answers below.
"""

from __future__ import annotations

import time
from typing import Any

from flask_oauth_registry import OAuth

AUTHORIZE_URL = "https://prov.test/authorize"
TOKEN_URL = "https://prov.test/token"
API = "https://api.prov.test/v1/"


def register_app(oauth: OAuth, name: str = "prov", **settings: Any) -> Any:
    """A confidential OAuth 2 app (``cid`` / ``csecret``) on this provider; ``settings`` add or override."""
    defaults: dict[str, Any] = {
        "client_id": "cid", "client_secret": "csecret", "authorize_url": AUTHORIZE_URL,
        "access_token_url": TOKEN_URL, "api_base_url": API,
    }
    return oauth.register(name, **{**defaults, **settings})


def expired_token(**extra: Any) -> dict[str, Any]:
    """A stored token that expired ten seconds ago and can be refreshed (``old-at`` / ``old-rt``)."""
    return {"access_token": "old-at", "refresh_token": "old-rt", "token_type": "Bearer",
            "expires_at": int(time.time()) - 10, **extra}


def fresh_response(n: int = 1) -> dict[str, Any]:
    """The token endpoint's answer to the ``n``-th refresh of a rotating provider."""
    return {"access_token": f"new-at-{n}", "refresh_token": f"new-rt-{n}", "token_type": "Bearer", "expires_in": 3600}


def unrotated_response(n: int, expires_in: int = 3600) -> dict[str, Any]:
    """A refresh answer of a provider that does not rotate refresh tokens (none returned)."""
    return {"access_token": f"new-at-{n}", "token_type": "Bearer", "expires_in": expires_in}
