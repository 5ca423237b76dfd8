"""Settings of one remote app: read from Flask config, merged preset < config < kwargs, built into a ClientConfig.

:func:`build_config` is the one place settings become a :class:`.ClientConfig`:
a value that is wrong for sure raises :class:`ConfigurationError` naming the key
(:mod:`.validation`); a key nobody reads comes back as a :class:`.ConfigProblem`
(:mod:`.typos`) for the caller to report.  Nothing here warns or touches Flask.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .assertion_settings import ASSERTION_SETTINGS, SERVICE_ACCOUNT_SETTINGS
from .config import CONFIG_KEYS, METADATA_KEYS, OTHER_KEYS, ClientConfig, config_key
from .errors import ConfigurationError
from .typos import ConfigProblem, unknown_client_kwargs_problems, unknown_setting_problems
from .validation import checked_settings, derived_settings

#: Keywords Authlib turned into "metadata" that really belong elsewhere.
_INTO_CLIENT_KWARGS = ("scope", "token_endpoint_auth_method", "code_challenge_method")
_INTO_AUTHORIZE_PARAMS = ("prompt", "login_hint", "response_mode", "display", "max_age")

#: Every name register() accepts, for the "did you mean" of an unknown one.
_ACCEPTED = frozenset(
    {*CONFIG_KEYS, *OTHER_KEYS, *METADATA_KEYS, *_INTO_CLIENT_KWARGS, *_INTO_AUTHORIZE_PARAMS, "scopes"}
)
_READ_INTO_ASSERTION = frozenset({*ASSERTION_SETTINGS, *SERVICE_ACCOUNT_SETTINGS})

#: A preset's ``configure(name, settings) -> settings`` (:attr:`.ProviderPreset.configure`).
Configure = Callable[[str, Mapping[str, Any]], Mapping[str, Any]]


@dataclass(frozen=True)
class BuiltConfig:
    """A validated config and the settings it ignored (likely typos), for the caller to report."""

    config: ClientConfig
    problems: tuple[ConfigProblem, ...] = ()


def read_app_config(name: str, app_config: Mapping[str, Any]) -> dict[str, Any]:
    """The ``{NAME}_{KEY}`` values present in a Flask config, keyed by register() keyword."""
    prefix = name.upper() + "_"
    found = {}
    for key in CONFIG_KEYS:
        value = app_config.get(prefix + key.upper())
        if value is not None:
            found[key] = value
    return found


def merge_settings(
    preset: Mapping[str, Any],
    from_config: Mapping[str, Any],
    kwargs: Mapping[str, Any],
    overwrite: bool,
) -> dict[str, Any]:
    """Merge the three sources, lowest first: preset, then config and kwargs.

    Config fills what kwargs leave out; with ``overwrite`` config wins instead
    (Authlib's rule).  Dict-valued settings from the preset are merged key by key
    so that ``client_kwargs={"timeout": 3}`` keeps the preset's scope.  The
    caller's dicts are never mutated.
    """
    ordered = (preset, kwargs, from_config) if overwrite else (preset, from_config, kwargs)
    merged: dict[str, Any] = {}
    for source in ordered:
        for key, value in source.items():
            if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
                merged[key] = {**merged[key], **value}
            elif isinstance(value, Mapping):
                merged[key] = dict(value)
            else:
                merged[key] = value
    return merged


def build_config(
    name: str, settings: Mapping[str, Any], *, app_config_merged: bool = True, configure: Configure | None = None
) -> BuiltConfig:
    """Validate merged settings into a :class:`.ClientConfig`, with the problems found on the way.

    ``app_config_merged=False`` when the Flask config is not in ``settings`` yet
    (register() checking the registration alone): then nothing is required that
    the config could still supply, such as an RSA key.  ``configure`` is the
    preset's (:attr:`.ProviderPreset.configure`): it turns the preset's own
    keywords (a service-account file) into settings, before they are checked.
    """
    settings = _relocate_authlib_metadata(_scopes_as_scope(name, _with_client_secrets(name, settings)))
    if configure is not None:
        settings = dict(configure(name, settings))
    metadata = {key: settings.pop(key) for key in list(settings) if key in METADATA_KEYS}
    unknown = [key for key in settings if key not in CONFIG_KEYS and key not in OTHER_KEYS]
    problems = unknown_setting_problems(name, unknown, _ACCEPTED)
    given = checked_settings(name, {key: value for key, value in settings.items() if key not in unknown}, metadata)
    problems += unknown_client_kwargs_problems(config_key(name, "client_kwargs"), given["client_kwargs"])
    derived = derived_settings(name, given, require_what_config_supplies=app_config_merged)
    # The assertion keywords live on as ``derived["assertion"]`` (the key loaded), not as fields of their own.
    fields = {key: value for key, value in given.items() if key not in _READ_INTO_ASSERTION}
    return BuiltConfig(ClientConfig(name=name, **fields, **derived), tuple(problems))


def _scopes_as_scope(name: str, settings: Mapping[str, Any]) -> Mapping[str, Any]:
    """``scopes=[...]`` (the service-account spelling) is ``scope``, which then goes into ``client_kwargs``."""
    if "scopes" not in settings:
        return settings
    if settings.get("scope") is not None:
        raise ConfigurationError(description=f"register({name!r}): give scope= or scopes=, not both")
    moved = {key: value for key, value in settings.items() if key != "scopes"}
    moved["scope"] = settings["scopes"]
    return moved


def _with_client_secrets(name: str, settings: Mapping[str, Any]) -> Mapping[str, Any]:
    """``settings`` completed from their ``client_secrets_file``, read here once: what is set (not None) wins.

    The file's format is the flows' business (:mod:`..flows.client_secrets`); the
    import is local so that the registry does not load the flows package otherwise.
    """
    path = settings.get("client_secrets_file")
    if path is None:
        return settings
    from ..flows.client_secrets import read_client_secrets_file

    from_file = read_client_secrets_file(path, config_key(name, "client_secrets_file"))
    given = {key: value for key, value in settings.items() if value is not None}
    return {**merge_settings(from_file, {}, given, False), "client_secrets_file": os.fspath(path)}


def _relocate_authlib_metadata(settings: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``settings`` with the keywords Authlib treated as metadata moved to where they take effect.

    The setting given in its own place wins.  A place that is not a dict is left
    as it is, for :func:`.validation.checked_settings` to refuse naming its key.
    """
    moved = dict(settings)
    for keys, place in ((_INTO_CLIENT_KWARGS, "client_kwargs"), (_INTO_AUTHORIZE_PARAMS, "authorize_params")):
        existing = moved.get(place) or {}
        if not isinstance(existing, Mapping):
            continue
        relocated = {key: moved.pop(key) for key in keys if key in moved}
        if relocated:
            moved[place] = {**relocated, **existing}
    return moved
