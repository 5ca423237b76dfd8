"""``OAuth``: the Flask extension that registers remote apps and builds them per Flask app.

A registration is a name and its keyword arguments.  The remote app itself is
built the first time it is used with a given Flask app, from that app's config,
and kept in ``app.extensions["oauth_registry"]``; one registry can serve several
Flask apps without anything of one leaking into another.
"""

from __future__ import annotations

import sys
import threading
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from flask import Blueprint, Flask, current_app, has_app_context
from werkzeug.local import LocalProxy

from ..storage.base import TokenStorage
from ..views.blueprint import DEFAULT_URL_PREFIX, make_blueprint
from ..views.install import install_views
from ..views.required import required as required_view
from .config import ClientConfig
from .context import DEFAULT_STATE_TTL, Cache, ClientContext, UserAccess, bind_callbacks
from .errors import ConfigurationError, ConfigurationWarning
from .oauth2 import OAuth2App
from .presets import preset_for, with_preset_fix
from .remote import RemoteApp
from .settings import build_config, merge_settings, read_app_config
from .typos import ConfigProblem, misspelled_config_key_problems

EXTENSION_KEY = "oauth_registry"


class AppState:
    """What the registry keeps per Flask app: callbacks, cache and built clients.

    Remote apps never see it: each gets a :class:`ClientContext` from :meth:`client_context`.
    """

    def __init__(
        self,
        registry: OAuth,
        cache: Cache | None = None,
        fetch_token: Callable[..., Any] | None = None,
        update_token: Callable[..., Any] | None = None,
        user_access: UserAccess | None = None,
    ) -> None:
        self.registry = registry
        self.cache = cache
        self.fetch_token = fetch_token
        self.update_token = update_token
        self.user_access = user_access
        self.clients: dict[str, tuple[int, RemoteApp]] = {}
        self.config_checked: set[str] = set()  # names whose {NAME}_* keys were checked for typos
        self.lock = threading.Lock()

    def client_context(self, config: ClientConfig, flask_config: Mapping[str, Any]) -> ClientContext:
        """What the app ``config.name`` needs of the registry, bound once: its callbacks, the cache, the state TTL."""
        fetch, update = bind_callbacks(
            config.name, config.fetch_token, config.update_token, self.fetch_token, self.update_token
        )
        return ClientContext(
            cache=self.cache,
            state_ttl=_state_ttl(flask_config),
            fetch_token_callback=fetch,
            update_token_callback=update,
            user_access=self.user_access,
        )


class OAuth:
    """The registry of remote apps for a Flask application.

    ``OAuth(app)``, or ``OAuth()`` then :meth:`init_app`.  ``cache`` (a cachelib
    cache such as ``RedisCache``, or Flask-Caching's) holds flow state, provider
    metadata and refresh coordination so that several processes can share logins;
    it needs ``get``, ``set``, ``add`` (set if absent, atomically) and ``delete``
    (answering whether it removed the key: that makes a login state single use).
    ``fetch_token(name)`` and ``update_token(name, token, refresh_token=None,
    access_token=None)`` are the registry-level token callbacks.

    ``storage`` (a :class:`~flask_oauth_registry.storage.TokenStorage`) keeps users'
    tokens: it is the default ``fetch_token`` / ``update_token`` (explicit callbacks
    win), keyed by ``user_id()`` (e.g. ``lambda: current_user.get_id()``) or, without
    it, a random id kept in the Flask session.  Without a storage, the ready routes
    and ``required`` keep tokens in the session cookie (:class:`SessionStorage`:
    readable by the user, about 4 KB at most).  ``routes=True`` (or a URL prefix)
    registers the ready routes (:meth:`blueprint`).
    """

    def __init__(
        self,
        app: Flask | None = None,
        cache: Cache | None = None,
        fetch_token: Callable[..., Any] | None = None,
        update_token: Callable[..., Any] | None = None,
        storage: TokenStorage | None = None,
        user_id: Callable[[], Any] | None = None,
        routes: bool | str = False,
    ) -> None:
        self.app: Flask | None = None
        self.cache = cache
        self.fetch_token = fetch_token
        self.update_token = update_token
        self.storage = storage
        self.user_id = user_id
        self.routes = routes
        self._registry: dict[str, tuple[bool, dict[str, Any]]] = {}
        self._generations: dict[str, int] = {}
        # What register() reported for each name's current registration, so that building it does not repeat it.
        self._reported_at_register: dict[str, frozenset[ConfigProblem]] = {}
        if app is not None:
            self.init_app(app)

    def init_app(
        self,
        app: Flask,
        cache: Cache | None = None,
        fetch_token: Callable[..., Any] | None = None,
        update_token: Callable[..., Any] | None = None,
        storage: TokenStorage | None = None,
        user_id: Callable[[], Any] | None = None,
        routes: bool | str | None = None,
    ) -> None:
        """Attach the registry to ``app`` with the given cache, token callbacks, storage and routes.

        As in Authlib, what is given also becomes ``oauth.cache``,
        ``oauth.fetch_token`` and ``oauth.update_token`` (what is not given keeps
        the registry's value; the same for ``storage``, ``user_id`` and ``routes``).
        Each app keeps the values it was initialised with: a later ``init_app`` on
        another app with other values does not change them.  The default error page
        for :class:`OAuthError` is registered here unless ``OAUTH_ERROR_PAGE`` is ``False``,
        and so are the ``flask oauth`` commands (:mod:`flask_oauth_registry.cli`).
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
        self.storage = storage if storage is not None else self.storage
        self.user_id = user_id if user_id is not None else self.user_id
        self.routes = routes if routes is not None else self.routes
        views, user_access = install_views(app, self.create_client, self.storage, self.user_id, self.routes)
        app.extensions[EXTENSION_KEY] = AppState(
            self, cache=self.cache, user_access=user_access,
            fetch_token=self.fetch_token or views.tokens.fetch_token,
            update_token=self.update_token or views.tokens.update_token,
        )
        from ..cli import oauth_cli  # here, not at the top: the commands find the registry through app.extensions

        if oauth_cli.name not in app.cli.commands:  # an app's own `oauth` command wins
            app.cli.add_command(oauth_cli)

    def blueprint(self, url_prefix: str = DEFAULT_URL_PREFIX) -> Blueprint:
        """The ready routes as a blueprint named ``oauth``: ``oauth.login``, ``oauth.callback``, ``oauth.logout``.

        ``app.register_blueprint(oauth.blueprint(url_prefix="/oauth"))``; the same as
        ``OAuth(app, routes=True)``.  See :mod:`flask_oauth_registry.views.blueprint`.
        """
        return make_blueprint(url_prefix)

    def required(
        self, name: str, view: Callable[..., Any] | None = None, *, scopes: Sequence[str] | None = None
    ) -> Any:
        """``oauth.<name>.required`` without needing the app yet: for views declared before ``init_app``.

        ``@oauth.required("google", scopes=[...])``; the remote app is looked up per request.
        """
        return required_view(name, view, scopes)

    def register(self, name: str, overwrite: bool = False, **kwargs: Any) -> RemoteApp | Any:
        """Register a remote app called ``name`` and return it.

        Settings come from, lowest first: the provider preset (``name`` or
        ``provider=``), Flask config ``{NAME}_{KEY}``, then ``kwargs``;
        ``overwrite=True`` lets config win over ``kwargs``.  Registering a name
        again replaces it.  Without an app to build for yet, a proxy is returned
        that resolves in the app context.
        """
        found = preset_for(name, kwargs, self.app.config if self.app is not None else None)
        preset_defaults = _with_class_defaults(name, found.settings, kwargs.get("client_cls"))
        # The registration alone, before any Flask config: wrong values fail here, ignored keys warn here.
        problems = build_config(
            name, with_preset_fix(merge_settings(preset_defaults, {}, found.kwargs, overwrite), found.settings),
            app_config_merged=False, configure=found.preset.configure if found.preset else None,
        ).problems
        _warn_at_user_line(problems)
        self._reported_at_register[name] = frozenset(problems)
        self._registry[name] = (overwrite, dict(kwargs))
        self._generations[name] = self._generations.get(name, 0) + 1
        if has_app_context() or self.app is not None:
            return self.create_client(name)
        return LocalProxy(lambda: self.create_client(name))

    def _flask_app(self) -> Flask:
        if has_app_context():
            return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]
        if self.app is not None:
            return self.app
        raise RuntimeError("no Flask app: use the registry inside an app context, or pass the app to OAuth()")

    def registered_names(self) -> list[str]:
        """The names of the registered remote apps, in the order they were first registered."""
        return list(self._registry)

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
                _warn_at_user_line(misspelled_config_key_problems(name, app.config, self._registry))
            return client

    def _build(self, name: str, registration: tuple[bool, dict[str, Any]], app: Flask, state: AppState) -> RemoteApp:
        overwrite, kwargs = registration
        found = preset_for(name, kwargs, app.config)
        preset = found.preset
        settings = merge_settings(
            _with_class_defaults(name, found.settings, kwargs.get("client_cls")),
            read_app_config(name, app.config), found.kwargs, overwrite,
        )
        settings = with_preset_fix(settings, found.settings)
        settings["provider"] = found.provider_name
        built = build_config(name, settings, configure=preset.configure if preset else None)
        reported = self._reported_at_register.get(name, frozenset())
        _warn_at_user_line(problem for problem in built.problems if problem not in reported)  # e.g. from Flask config
        config = built.config
        loader = preset.userinfo_loader() if preset else None
        return _app_class(config)(config, state.client_context(config, app.config), app, userinfo_loader=loader)

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
            description=f"register({name!r}): client_cls must be a subclass of OAuth2App (FlaskOAuth2App) or OAuth1App "
            f"(FlaskOAuth1App), not {shown}"
        )
    defaults = getattr(client_cls, "OAUTH_APP_CONFIG", None) or {}
    if not isinstance(defaults, Mapping):
        raise ConfigurationError(description=f"register({name!r}): client_cls.OAUTH_APP_CONFIG must be a dict")
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
        raise ConfigurationError(
            description=f"register({config.name!r}): client_cls {chosen.__qualname__} does not fit: "
            f"{config.name!r} is {protocol}"
        )
    if config.fetch_request_token is not None and not config.is_oauth1:
        raise ConfigurationError(
            description=f"register({config.name!r}): fetch_request_token and save_request_token store OAuth 1.0a "
            f"temporary credentials, but {config.name!r} is OAuth 2 "
            f"(set {config.config_key('request_token_url')} for OAuth 1.0a)"
        )
    if chosen is not None:
        return chosen
    if config.is_oauth1:
        from .oauth1 import OAuth1App

        return OAuth1App
    return OAuth2App


def _state_ttl(flask_config: Mapping[str, Any]) -> int:
    """``OAUTH_STATE_TTL``: how long a started login may wait for its callback, in seconds."""
    value = flask_config.get("OAUTH_STATE_TTL", DEFAULT_STATE_TTL)
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(description="OAUTH_STATE_TTL must be a whole number of seconds") from exc


def _warn_at_user_line(problems: Iterable[ConfigProblem]) -> None:
    """Report each ignored setting as a :class:`ConfigurationWarning` at the user's line (:func:`user_stacklevel`)."""
    for problem in problems:
        warnings.warn(problem.message, ConfigurationWarning, stacklevel=user_stacklevel())


def user_stacklevel() -> int:
    """The ``stacklevel`` that points a warning issued by the calling function at the user's code.

    Frames of this package and of werkzeug's ``LocalProxy`` are skipped, so the
    warning names the line that called ``register()`` (or whose first use built
    the client), wherever inside the package the problem was found.
    """
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and _is_internal(frame):
        frame = frame.f_back
        level += 1
    return level


def _is_internal(frame: Any) -> bool:
    module = frame.f_globals.get("__name__", "")
    return module == "werkzeug.local" or module == "flask_oauth_registry" or module.startswith("flask_oauth_registry.")


def _check_cache(cache: Any) -> None:
    missing = [m for m in ("get", "set", "add", "delete") if not callable(getattr(cache, m, None))]
    if missing:
        raise ConfigurationError(
            description=f"the OAuth cache lacks {', '.join(missing)}(): use a cachelib cache (e.g. RedisCache)"
        )
