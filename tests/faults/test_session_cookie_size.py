"""A browser that starts 1,000 logins and finishes none keeps a session cookie under 4 KB.

Browsers drop cookies over 4,096 bytes (RFC 6265 section 6.1 asks for at least
that much, most allow no more), which would silently break every login of
that user.  Pending flows are capped per app (oldest dropped), with or without
a cache; with a cache the cookie holds only small markers.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.faults.hostile import CLIENT_ID, CLIENT_SECRET, METADATA_URL, Flow, HostileProvider, hostile_provider
from tests.faults.hostile import quickstart_app as make_quickstart
from tests.scaleout.client_app import make_client_app

LOGINS = 1000
COOKIE_LIMIT = 4096


@pytest.fixture(scope="module")
def provider() -> Iterator[HostileProvider]:
    with hostile_provider() as running:
        yield running


def session_only_app() -> tuple[Flask, str]:
    """No cache: the flow state itself is in the cookie (the largest case)."""
    app, _ = make_client_app(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, server_metadata_url=METADATA_URL)
    return app, "session"


def quickstart_app() -> tuple[Flask, str]:
    """The quickstart example: its cache holds the flow state, the cookie a marker per flow."""
    return make_quickstart(), "quickstart_session"


@pytest.mark.parametrize("make_app", [session_only_app, quickstart_app], ids=["without-cache", "quickstart"])
def test_a_thousand_unfinished_logins_keep_the_cookie_under_4_kb(provider: HostileProvider, make_app) -> None:
    app, cookie_name = make_app()
    client = app.test_client()
    sizes: list[int] = []
    flows: list[Flow] = []
    for _ in range(LOGINS):
        response = client.get("/login")
        assert response.status_code == 302
        flows.append(Flow.from_redirect(response.headers["Location"]))
        sizes.extend(
            len(header.encode()) for header in response.headers.getlist("Set-Cookie")
            if header.startswith(cookie_name + "=")
        )
    print(f"\n{make_app.__name__}: Set-Cookie after {LOGINS} unfinished logins: max {max(sizes)} B, last {sizes[-1]} B")
    assert len(sizes) == LOGINS
    assert max(sizes) < COOKIE_LIMIT, f"the Set-Cookie header reached {max(sizes)} bytes"
    assert max(sizes[100:]) <= max(sizes[:100]) + 64  # it stops growing: pending flows are capped

    provider.flow = flows[-1]
    newest = client.get(flows[-1].callback_path, query_string=flows[-1].callback_query())
    assert newest.status_code in (200, 302), newest.get_data(as_text=True)
    provider.flow = flows[0]
    oldest = client.get(flows[0].callback_path, query_string=flows[0].callback_query())
    assert oldest.status_code == 400 and "mismatching_state" in oldest.get_data(as_text=True)
