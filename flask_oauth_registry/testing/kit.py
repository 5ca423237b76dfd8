"""``FakeProviders``: the ``oauth_provider`` fixture's object, one fake provider per registered remote app.

It finds a Flask app's remote apps through the registry (``app.extensions["oauth_registry"]``),
mounts a :class:`.FakeTransport` on each one's ``session`` for the provider's origins
and removes it at :meth:`close`.  The helpers act on the provider of one name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from ..registry.extension import EXTENSION_KEY, OAuth
from ..registry.remote import RemoteApp
from .browser import LoginFailed, default_login_url, probe_state_check, run_login
from .oauth1 import FakeOAuth1Provider
from .oauth2 import FakeOAuth2Provider
from .records import Sent, oauth_error
from .transport import FakeTransport, Mounts

FakeProvider = FakeOAuth2Provider | FakeOAuth1Provider


class FakeProviders:
    """Fake providers for every remote app of the Flask apps it is used with."""

    def __init__(self) -> None:
        self.providers: dict[str, FakeProvider] = {}
        self._restore: list[Callable[[], None]] = []
        self._mounts = Mounts()
        self._patched: list[RemoteApp] = []
        self._received: dict[str, list[dict[str, Any]]] = {}
        # Helpers called before a name's remote app was first built: applied when it is.
        self._pending: dict[str, list[Callable[[FakeProvider], None]]] = {}

    # -- installing --------------------------------------------------------------------
    def watch_registries(self) -> None:
        """Until :meth:`close`, every remote app built or looked up (``OAuth.create_client``) talks to a fake.

        Remote apps are built per Flask app on first use, so this catches an app used
        before the test's first :meth:`login` (a ``required`` view visited first).
        """
        original = OAuth.create_client
        kit = self

        def create_client(registry: OAuth, name: str) -> RemoteApp | None:
            remote = original(registry, name)
            if isinstance(remote, RemoteApp):
                kit._install_remote(name, remote)
            return remote

        OAuth.create_client = create_client  # type: ignore[method-assign,assignment]
        self._restore.append(lambda: setattr(OAuth, "create_client", original))

    def install(self, app: Flask) -> None:
        """Stand in for the providers of every remote app registered on ``app`` (done by :meth:`login`)."""
        state = app.extensions.get(EXTENSION_KEY)
        if state is None:
            raise LoginFailed("the Flask app has no OAuth registry: call OAuth(app) or oauth.init_app(app)")
        with app.app_context():
            for name in state.registry.registered_names():
                remote = state.registry.create_client(name)
                if isinstance(remote, RemoteApp):
                    self._install_remote(name, remote)

    def _install_remote(self, name: str, remote: RemoteApp) -> None:
        if any(seen is remote for seen in self._patched):
            return
        provider = self.providers.get(name)
        if provider is None:
            config = remote.config
            provider = FakeOAuth1Provider(config) if config.is_oauth1 else FakeOAuth2Provider(config)
            self.providers[name] = provider
            for action in self._pending.pop(name, []):
                action(provider)
        transport = FakeTransport(provider.layout.endpoint_of, provider.handle)
        self._mounts.mount(remote.session, provider.layout.origins(), transport)
        self._record_received_tokens(name, remote)

    def _record_received_tokens(self, name: str, remote: RemoteApp) -> None:
        """Keep each token the app's token request returned: what :meth:`login` hands back."""
        received = self._received.setdefault(name, [])
        fetch = remote.fetch_access_token  # type: ignore[attr-defined]

        def recording_fetch(*args: Any, **kwargs: Any) -> Any:
            token = fetch(*args, **kwargs)
            received.append(token)
            return token

        remote.fetch_access_token = recording_fetch  # type: ignore[attr-defined]
        self._patched.append(remote)

    def close(self) -> None:
        """Remove every mount and wrapper: the apps talk to the network again."""
        self._mounts.remove()
        for remote in self._patched:
            remote.__dict__.pop("fetch_access_token", None)
        self._patched.clear()
        while self._restore:
            self._restore.pop()()

    def provider(self, name: str) -> FakeProvider:
        """The fake provider of the remote app ``name``."""
        try:
            return self.providers[name]
        except KeyError:
            known = ", ".join(self.providers) or "none yet: log in first, or call install(app)"
            raise KeyError(f"no fake provider for {name!r} (known: {known})") from None

    # -- logging in ---------------------------------------------------------------------
    def login(
        self, client: Any, name: str, claims: dict[str, Any] | None = None, scopes: list[str] | None = None,
        *, login_url: str | None = None, check_state: bool = True,
    ) -> dict[str, Any]:
        """Log the test client's user in with ``name``; return the token the app received.

        ``claims`` are the user's (``sub`` defaults to ``"user-1"``), in the ID token
        and at userinfo; ``scopes`` the ones granted (default: those asked for).
        ``login_url`` is the view that starts the login (default: the ready route).
        With ``check_state`` a forged callback is tried first: :class:`StateNotChecked`
        if the app exchanges its code.  :class:`LoginFailed` if no token was received.
        """
        response = self.attempt_login(client, name, claims, scopes, login_url=login_url, check_state=check_state)
        received = self._received.get(name, [])
        if not received:
            raise LoginFailed(
                f"the app's callback for {name!r} answered {response.status_code} without getting a token", response
            )
        return received[-1]

    def attempt_login(
        self, client: Any, name: str, claims: dict[str, Any] | None = None, scopes: list[str] | None = None,
        *, login_url: str | None = None, check_state: bool = False,
    ) -> Any:
        """:meth:`login` without requiring a token: the app's callback response (for refused logins)."""
        app = client.application
        self.install(app)
        provider = self.provider(name)
        url = login_url or default_login_url(app, name)
        if check_state and isinstance(provider, FakeOAuth2Provider):
            probe_state_check(client, url, provider, provider.code_was_redeemed)
        provider.set_user(claims, scopes)
        self._received.setdefault(name, []).clear()
        return run_login(client, url, provider)

    # -- what a test changes -----------------------------------------------------------
    def _apply(self, name: str, action: Callable[[FakeProvider], None]) -> None:
        """Run ``action`` on the provider of ``name`` now, or when the app first builds that remote app."""
        if name in self.providers:
            action(self.providers[name])
        else:
            self._pending.setdefault(name, []).append(action)

    def deny(self, name: str) -> None:
        """The next login's consent is refused: the app's callback gets ``error=access_denied``."""
        self._apply(name, lambda provider: setattr(provider, "deny_next", True))

    def expire(self, name: str) -> None:
        """The tokens issued so far have expired: the next API call is refused, renewed, and sent again."""
        self._oauth2(name, "expire").expire_tokens()

    def revoke(self, name: str) -> None:
        """Every token issued so far is revoked: API calls and refreshes are refused."""
        self.provider(name).revoke_all()

    def rotate_keys(self, name: str) -> None:
        """The provider signs with a new key from now on and publishes only that one."""
        self._oauth2(name, "rotate_keys").keys.rotate()

    def fail_next(self, name: str, endpoint: str, error: str, description: str | None = None,
                  status: int | None = None) -> None:
        """The next call to ``endpoint`` answers the OAuth error ``error`` (then it answers normally again)."""
        if status is None:
            status = 401 if error in ("invalid_token", "invalid_client") else 400
        answer = oauth_error(error, description, status)

        def queue(provider: FakeProvider) -> None:
            if endpoint not in provider.endpoint_names():
                raise KeyError(f"no endpoint {endpoint!r}; known: {', '.join(provider.endpoint_names())}")
            provider.failures.setdefault(endpoint, []).append(answer)

        self._apply(name, queue)

    def requests(self, name: str, endpoint: str | None = None) -> list[Sent]:
        """What the app sent to ``name``'s provider (to ``endpoint`` only, when given), oldest first."""
        return [sent for sent in self.provider(name).sent if endpoint is None or sent.endpoint == endpoint]

    def _oauth2(self, name: str, helper: str) -> FakeOAuth2Provider:
        provider = self.provider(name)
        if not isinstance(provider, FakeOAuth2Provider):
            raise TypeError(f"{helper}() applies to OAuth 2 providers; {name!r} is OAuth 1.0a")
        return provider
