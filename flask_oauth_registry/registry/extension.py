"""``OAuth``: the Flask extension that registers remote apps and builds them per Flask app.

A registration is a name and its keyword arguments.  The remote app itself is
built the first time it is used with a given Flask app, from that app's config,
and kept in ``app.extensions["oauth_registry"]``; one registry can serve several
Flask apps without anything of one leaking into another.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, current_app, has_app_context
from werkzeug.local import LocalProxy

from ..providers import PRESETS, get_preset
from .config import (
    ClientConfig,
    ConfigurationWarning,
    build_config,
    merge_settings,
    read_app_config,
    user_stacklevel,
    warn_misspelled_config_keys,
)
from .errors import ConfigurationError
from .oauth2 import OAuth2App
from .remote import RemoteApp

EXTENSION_KEY = "oauth_registry"


class AppState:
    """What the registry keeps per Flask app: callbacks, cache and built clients."""

    def __init__(
        self,
        registry: OAuth,
        cache: Any = None,
        fetch_token: Callable[..., Any] | None = None,
        update_token: Callable[..., Any] | None = None,
    ) -> None:
        self.registry = registry
        self.cache = cache
        self.fetch_token = fetch_token
        self.update_token = update_token
        self.clients: dict[str, tuple[int, RemoteApp]] = {}
        self.config_checked: set[str] = set()  # names whose {NAME}_* keys were checked for typos
        self.lock = threading.Lock()


class OAuth:
    """The registry of remote apps for a Flask application.

    ``OAuth(app)``, or ``OAuth()`` then :meth:`init_app`.  ``cache`` (a cachelib
    cache such as ``RedisCache``, or Flask-Caching's) holds flow state, provider
    metadata and refresh coordination so that several processes can share logins;
    it needs ``get``, ``set``, ``add`` (set if absent, atomically) and ``delete``
    (answering whether it removed the key: that makes a login state single use).
    ``fetch_token(name)`` and ``update_token(name, token, refresh_token=None,
    access_token=None)`` are the registry-level token callbacks.
    """

    def __init__(
        self,
        app: Flask | None = None,
        cache: Any = None,
        fetch_token: Callable[..., Any] | None = None,
        update_token: Callable[..., Any] | None = None,
    ) -> None:
        self.app: Flask | None = None
        self.cache = cache
        self.fetch_token = fetch_token
        self.update_token = update_token
        self._registry: dict[str, tuple[bool, dict[str, Any]]] = {}
        self._generations: dict[str, int] = {}
        self._register_warnings: dict[str, set[str]] = {}
        if app is not None:
            self.init_app(app)

    def init_app(
        self,
        app: Flask,
        cache: Any = None,
        fetch_token: Callable[..., Any] | None = None,
        update_token: Callable[..., Any] | None = None,
    ) -> None:
        """Attach the registry to ``app`` with the given cache and token callbacks.

        As in Authlib, what is given also becomes ``oauth.cache``,
        ``oauth.fetch_token`` and ``oauth.update_token`` (what is not given keeps
        the registry's value).  Each app keeps the values it was initialised with:
        a later ``init_app`` on another app with other values does not change them.
        """
        if self.app is None:
            self.app = app
        if cache is not None:
            _check_cache(cache)
            self.cache = cache
        elif self.cache is not None:
            _check_cache(self.cache)
        if fetch_token is not None:
            self.fetch_token = fetch_token
        if update_token is not None:
            self.update_token = update_token
        app.extensions[EXTENSION_KEY] = AppState(
            self, cache=self.cache, fetch_token=self.fetch_token, update_token=self.update_token
        )

    def register(self, name: str, overwrite: bool = False, **kwargs: Any) -> RemoteApp | Any:
        """Register a remote app called ``name`` and return it.

        Settings come from, lowest first: the provider preset (``name`` or
        ``provider=``), Flask config ``{NAME}_{KEY}``, then ``kwargs``;
        ``overwrite=True`` lets config win over ``kwargs``.  Registering a name
        again replaces it.  Without an app to build for yet, a proxy is returned
        that resolves in the app context.
        """
        preset = self._preset_for(name, kwargs)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConfigurationWarning)
            build_config(name, merge_settings(preset, {}, _without_provider(kwargs), overwrite))
        for warning in caught:  # at the caller's register() line, whoever in the package found it
            warnings.warn(warning.message, warning.category, stacklevel=user_stacklevel())
        self._register_warnings[name] = {str(w.message) for w in caught}
        self._registry[name] = (overwrite, dict(kwargs))
        self._generations[name] = self._generations.get(name, 0) + 1
        if has_app_context() or self.app is not None:
            return self.create_client(name)
        return LocalProxy(lambda: self.create_client(name))

    @staticmethod
    def _preset_for(name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        provider = kwargs.get("provider")
        if provider is not None:
            settings = dict(get_preset(provider).settings)
        else:
            settings = dict(PRESETS[name].settings) if name in PRESETS else {}
        return _with_class_defaults(name, settings, kwargs.get("client_cls"))

    def _flask_app(self) -> Flask:
        if has_app_context():
            return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]
        if self.app is not None:
            return self.app
        raise RuntimeError("no Flask app: use the registry inside an app context, or pass the app to OAuth()")

    def create_client(self, name: str) -> RemoteApp | None:
        """The remote app ``name`` for the current Flask app, or ``None`` if not registered."""
        registration = self._registry.get(name)
        if registration is None:
            return None
        app = self._flask_app()
        state = app.extensions.get(EXTENSION_KEY)
        if state is None or state.registry is not self:
            raise RuntimeError(f"the OAuth registry is not initialised on {app.name!r}: call oauth.init_app(app)")
        generation = self._generations[name]
        built = state.clients.get(name)
        if built is not None and built[0] == generation:
            return built[1]
        with state.lock:
            built = state.clients.get(name)
            if built is not None and built[0] == generation:
                return built[1]
            client = self._build(name, registration, app, state)
            state.clients[name] = (generation, client)
            if name not in state.config_checked:  # once per app and name, not on every rebuild
                state.config_checked.add(name)
                warn_misspelled_config_keys(name, app.config, self._registry)
            return client

    def _build(self, name: str, registration: tuple[bool, dict[str, Any]], app: Flask, state: AppState) -> RemoteApp:
        overwrite, kwargs = registration
        provider_name = kwargs.get("provider") or (name if name in PRESETS else None)
        preset = get_preset(provider_name) if provider_name else None
        settings = merge_settings(
            _with_class_defaults(name, dict(preset.settings) if preset else {}, kwargs.get("client_cls")),
            read_app_config(name, app.config), _without_provider(kwargs), overwrite,
        )
        settings["provider"] = provider_name
        seen = self._register_warnings.get(name, set())
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConfigurationWarning)
            config = build_config(name, settings)
        for warning in caught:
            if str(warning.message) not in seen:
                warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
        loader = preset.userinfo if preset else None
        return _app_class(config)(config, state, app, userinfo_loader=loader)

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        registry = self.__dict__.get("_registry", {})
        if key not in registry:
            known = ", ".join(sorted(registry)) or "none"
            raise AttributeError(f"no remote app named {key!r} is registered (registered: {known})")
        return self.create_client(key)


def _with_class_defaults(name: str, preset_settings: dict[str, Any], client_cls: Any) -> dict[str, Any]:
    """The preset's settings, under Authlib's ``client_cls.OAUTH_APP_CONFIG`` (the class's own defaults)."""
    if client_cls is None:
        return preset_settings
    if not _is_app_class(client_cls):
        shown = client_cls.__qualname__ if isinstance(client_cls, type) else type(client_cls).__name__
        raise ConfigurationError(
            f"register({name!r}): client_cls must be a subclass of OAuth2App (FlaskOAuth2App) or OAuth1App "
            f"(FlaskOAuth1App), not {shown}"
        )
    defaults = getattr(client_cls, "OAUTH_APP_CONFIG", None) or {}
    if not isinstance(defaults, Mapping):
        raise ConfigurationError(f"register({name!r}): client_cls.OAUTH_APP_CONFIG must be a dict")
    return merge_settings(preset_settings, {}, defaults, False)


def _is_app_class(client_cls: Any) -> bool:
    """Whether ``client_cls`` is an OAuth2App or OAuth1App class (RemoteApp itself cannot make requests)."""
    if not (isinstance(client_cls, type) and issubclass(client_cls, RemoteApp)):
        return False
    if issubclass(client_cls, OAuth2App):
        return True
    from .oauth1 import OAuth1App

    return issubclass(client_cls, OAuth1App)


def _app_class(config: ClientConfig) -> Callable[..., RemoteApp]:
    """The class to build: ``client_cls`` when given (it must speak the app's protocol), else OAuth1App/OAuth2App."""
    chosen = config.client_cls
    if chosen is not None and issubclass(chosen, OAuth2App) == config.is_oauth1:
        protocol = "OAuth 1.0a (it has a request_token_url)" if config.is_oauth1 else "OAuth 2 (no request_token_url)"
        raise ConfigurationError(f"register({config.name!r}): client_cls {chosen.__qualname__} does not fit: "
                                 f"{config.name!r} is {protocol}")
    if config.fetch_request_token is not None and not config.is_oauth1:
        raise ConfigurationError(
            f"register({config.name!r}): fetch_request_token and save_request_token store OAuth 1.0a temporary "
            f"credentials, but {config.name!r} is OAuth 2 (set {config.config_key('request_token_url')} for OAuth 1.0a)"
        )
    if chosen is not None:
        return chosen
    if config.is_oauth1:
        from .oauth1 import OAuth1App

        return OAuth1App
    return OAuth2App


def _check_cache(cache: Any) -> None:
    missing = [m for m in ("get", "set", "add", "delete") if not callable(getattr(cache, m, None))]
    if missing:
        raise ConfigurationError(
            f"the OAuth cache lacks {', '.join(missing)}(): use a cachelib cache (e.g. RedisCache)"
        )


def _without_provider(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in kwargs.items() if k != "provider"}
