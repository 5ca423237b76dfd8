"""The Flask-ergonomics rows: a view behind ``required`` against the same view bare, and ``authorized_session``.

One Flask app per token storage, set up as an application would:
``OAuth(app, storage=..., routes=True)``, no ``user_id`` (so a browser session's
random id owns its tokens, kept in the session cookie as Flask-Login would keep
its user id), and one trivial view mounted twice, at ``/bare`` and, under
``@oauth.prov.required``, at ``/guarded``.  The user logs in once through the ready
routes (the provider's real token endpoint), then both URLs are called through
Flask's test client with the same cookie, so the difference is what ``required``
costs: reading the user's token from the storage and checking it.
"""

from __future__ import annotations

import functools
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from flask import Flask, session
from werkzeug.test import TestResponse

from flask_oauth_registry import OAuth
from flask_oauth_registry.storage import RecentReads, TokenStorage
from flask_oauth_registry.views.user_tokens import SESSION_USER_KEY, SESSION_USER_PREFIX

from .implementations import ApiCall
from .protocol import CLIENT_ID, CLIENT_SECRET, SCOPE, Endpoints, encode_code
from .scenarios import ApiClient, LoginFailed, Measurement, api_calls_per_second, interleave, operations_per_second
from .server import ProviderProcess
from .services import Unavailable
from .storages import BACKENDS, open_storage

BODY = b"ok"


class ViewFailed(AssertionError):
    """A view did not answer what it should: the benchmark would measure an error path."""


class ViewApp:
    """The app of one storage, with a user logged in; :meth:`bare` and :meth:`guarded` make one request each."""

    def __init__(self, endpoints: Endpoints, storage: TokenStorage, label: str) -> None:
        self.storage = storage
        self.app = app = Flask(f"bench_views_{label}")
        app.secret_key = f"bench-views-{label}"
        self.oauth = oauth = OAuth(app, storage=storage, routes=True)
        oauth.register(
            "prov", client_id=CLIENT_ID, client_secret=CLIENT_SECRET, server_metadata_url=endpoints.metadata_url,
            api_base_url=f"{endpoints.http}/", client_kwargs={"scope": SCOPE, "code_challenge_method": "S256"},
        )

        def page() -> bytes:
            return BODY

        app.add_url_rule("/bare", "bare", page)
        app.add_url_rule("/guarded", "guarded", oauth.prov.required(page))
        self.cookie = self._log_in()
        self.client = app.test_client(use_cookies=False)
        self.headers = {"Cookie": self.cookie}
        self._check_guarded_keeps_the_cookie()

    def _log_in(self) -> str:
        """Log in through the ready routes; return the session cookie (``name=value``) the callback left."""
        browser = self.app.test_client()
        response = browser.get("/oauth/login/prov", query_string={"next": "/guarded"})
        if response.status_code != 302:
            raise LoginFailed(f"/oauth/login/prov answered {response.status_code}")
        params = dict(parse_qsl(urlsplit(response.headers["Location"]).query))
        code = encode_code(params["nonce"], params["code_challenge"])
        response = browser.get("/oauth/callback/prov", query_string={"code": code, "state": params["state"]})
        if response.status_code != 302 or response.headers["Location"] != "/guarded":
            raise LoginFailed(f"/oauth/callback/prov answered {response.status_code}: {response.get_data()[:200]!r}")
        cookie = browser.get_cookie("session")
        if cookie is None:
            raise LoginFailed("the login left no session cookie")
        return f"{cookie.key}={cookie.value}"

    def _check_guarded_keeps_the_cookie(self) -> None:
        """A read must not rewrite the session cookie: every response would carry it again."""
        if "Set-Cookie" in self._get("/guarded").headers:
            raise ViewFailed("the view behind required rewrote the session cookie on a read")

    def _get(self, path: str) -> TestResponse:
        """GET ``path`` as the logged-in user; the view's body, or :class:`ViewFailed` (e.g. a redirect to login)."""
        response = self.client.get(path, headers=self.headers)
        if response.status_code != 200 or response.get_data() != BODY:
            raise ViewFailed(f"{path} answered {response.status_code}: {response.get_data()[:200]!r}")
        return response

    def bare(self) -> None:
        """One request to the view without ``required``."""
        self._get("/bare")

    def guarded(self) -> None:
        """One request to the same view behind ``required``."""
        self._get("/guarded")

    def storage_read(self) -> Callable[[], object]:
        """One read of the user's token as ``required`` makes it (call within :meth:`request`).

        ``storage.get``; for :class:`RecentReads`, ``get_recent`` (a read remembered from the one before).
        """
        # Without user_id= the owner is the session's random id (flask_oauth_registry.views.user_tokens).
        owner, storage = SESSION_USER_PREFIX + session[SESSION_USER_KEY], self.storage
        read = storage.get_recent if isinstance(storage, RecentReads) else storage.get
        return lambda: read("prov", owner)

    def request(self) -> AbstractContextManager[object]:
        """A request context of the logged-in user."""
        return self.app.test_request_context("/", headers=self.headers)


class AuthorizedSessionUser:
    """The logged-in user of a :class:`ViewApp`, calling the API through ``authorized_session()``.

    Offers ``api_client`` like an implementation, so the API loop of
    :mod:`.scenarios` runs it; the floor is the bare ``requests.Session`` of the
    ``api_call`` rows.
    """

    def __init__(self, view_app: ViewApp) -> None:
        self.view_app = view_app

    @contextmanager
    def api_client(self, tls: bool) -> Iterator[ApiCall]:
        """A request of the logged-in user; each call makes a new ``authorized_session()`` and GETs ``user``."""
        if tls:
            raise ValueError("the authorized_session row runs over plain HTTP only")
        oauth = self.view_app.oauth
        with self.view_app.request():
            yield lambda: oauth.prov.authorized_session().get("user")


#: The row of ``authorized_session().get`` against the bare ``requests.Session`` floor.
AUTHORIZED_SESSION_ROW = "authorized_session"


def required_row(backend: str) -> str:
    """The report row of the view behind ``required`` with ``backend``'s storage."""
    return f"required {backend}"


@dataclass
class ViewRows:
    """What :func:`measure` found: rates per row, rows skipped (with why), one storage read's cost per backend."""

    throughput: dict[str, dict[str, list[Measurement]]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    #: Median microseconds of one ``storage.get`` of the user's token, in a request (what ``required`` reads).
    storage_read_us: dict[str, float] = field(default_factory=dict)
    provider_busy: dict[str, float] = field(default_factory=dict)


def measure(
    endpoints: Endpoints, floor: ApiClient, provider: ProviderProcess, tmp: Path,
    repetitions: int, duration: float, read_calls: int, progress: Callable[[str], None],
) -> ViewRows:
    """Every storage's ``required`` row (``ours``: behind it, ``floor``: bare), then the ``authorized_session`` row."""
    rows = ViewRows()
    for backend in BACKENDS:
        row = required_row(backend)
        progress(f"measuring {row} ...")
        try:
            with open_storage(backend, tmp) as storage:
                view_app = ViewApp(endpoints, storage, backend)
                rows.throughput[row] = interleave({
                    "ours": functools.partial(operations_per_second, view_app.guarded),
                    "floor": functools.partial(operations_per_second, view_app.bare),
                }, repetitions, duration)
                rows.storage_read_us[backend] = _read_cost(view_app, read_calls)
        except Unavailable as reason:
            rows.skipped[row] = str(reason)
    progress(f"measuring {AUTHORIZED_SESSION_ROW} ...")
    with open_storage("session", tmp) as storage:
        user = AuthorizedSessionUser(ViewApp(endpoints, storage, "authorized"))
        before, started = provider.stats(), time.perf_counter()
        rows.throughput[AUTHORIZED_SESSION_ROW] = interleave({
            name: functools.partial(api_calls_per_second, client, tls=False)
            for name, client in (("ours", user), ("floor", floor))
        }, repetitions, duration)
        spent = provider.stats() - before
        rows.provider_busy[AUTHORIZED_SESSION_ROW] = spent.cpu_seconds / (time.perf_counter() - started)
    return rows


def _read_cost(view_app: ViewApp, calls: int, batches: int = 5) -> float:
    """Median over ``batches`` of the microseconds one ``storage.get`` of the user's token takes."""
    per_batch = max(1, calls // batches)
    with view_app.request():
        read = view_app.storage_read()
        if read() is None:
            raise ViewFailed("the storage has no token for the logged-in user")
        timings = []
        for _ in range(batches):
            start = time.perf_counter()
            for _ in range(per_batch):
                read()
            timings.append((time.perf_counter() - start) / per_batch * 1e6)
    return statistics.median(timings)
