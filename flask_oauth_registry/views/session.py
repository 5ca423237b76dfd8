"""``AuthorizedSession``: a :class:`requests.Session` that calls a provider's API as one user.

For code that wants a plain requests session (client libraries that take one): it
shares the remote app's connection pool (and the proxy settings it read from the
environment), puts the user's token on every request, renews it when it expires
through the app's single-flight renewal, and the renewed token is written through
the storage once, by the registry's ``update_token``, as for
:meth:`~flask_oauth_registry.RemoteApp.request`; like it, a call the API refuses
with ``Bearer error="invalid_token"`` is renewed and sent once more.
"""

from __future__ import annotations

import inspect
from collections.abc import MutableMapping
from typing import Any

import requests

from ..registry.http import ProviderSession
from ..registry.remote import RemoteApp, join_api_url, send_with_token
from .user_tokens import TokenOwners

_REQUEST_SIGNATURE = inspect.signature(requests.Session.request)


class AuthorizedSession(ProviderSession):
    """Sends every request with ``token`` (the user's, renewed in place when it expires).

    Relative URLs are joined to the app's ``api_base_url``.  The app's timeout and
    TLS/proxy settings apply unless a call passes its own.  ``owner`` is whose token
    it is, so that a renewal outside the request that made the session (another
    thread) is still written to that user's entry.  A 401 ``invalid_token`` answer
    is retried once after a renewal, by the rules of :mod:`~flask_oauth_registry.registry.retry`.
    """

    def __init__(self, app: RemoteApp, token: MutableMapping[str, Any], owner: str | None = None) -> None:
        super().__init__()
        self.remote_app = app
        self.oauth_token = token
        self.owner = owner
        self.headers.update(app.session.headers)
        for prefix, adapter in app.session.adapters.items():
            self.mount(prefix, adapter)
        if isinstance(app.session, ProviderSession):
            # One authorized_session() per request: without this, each would scan os.environ for proxies again.
            app.session.share_environment_cache(self)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} for {self.remote_app.name!r}>"

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        """:meth:`requests.Session.request`, with the token added (renewed when it expires or the API refuses it)."""
        kwargs = _by_name(args, kwargs)
        target = url.decode() if isinstance(url, bytes) else url
        app = self.remote_app
        if app.config.api_base_url:
            target = join_api_url(app.config.api_base_url, target)
        kwargs.setdefault("timeout", app.config.timeout)
        for key, value in app.config.requests_settings.items():
            kwargs.setdefault(key, value)
        send = super().request
        with TokenOwners.bound(self.owner):
            return send_with_token(app, lambda to, sent: send(method, to, **sent), target, kwargs, self.oauth_token,
                                   method.decode() if isinstance(method, bytes) else method)

    def close(self) -> None:
        """Leave the shared pool open: it belongs to the remote app, not to this session."""
        self.adapters.clear()


def _by_name(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """:meth:`requests.Session.request`'s arguments after the URL, all by name: the retry must see the body."""
    bound = _REQUEST_SIGNATURE.bind(None, "", "", *args, **kwargs)
    return {name: value for name, value in bound.arguments.items() if name not in ("self", "method", "url")}
