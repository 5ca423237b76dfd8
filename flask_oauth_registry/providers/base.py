"""``ProviderPreset``: everything the registry knows about one provider, declared as data.

A preset is what ``oauth.register("discord")`` starts from: settings (endpoints or a
discovery URL, scopes, the client authentication method), options the user gives
to ``register`` that are templated into those settings (``tenant=``, ``domain=``,
``host=``...), the provider's quirks as compliance hooks at named points, an issuer
policy where the provider needs one, and its profile (:class:`~.profile.Profile`).
Nothing here does I/O; :mod:`.catalog` finds presets by name and
:func:`preset_settings` turns one into register() settings.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..registry.errors import ConfigurationError
from .profile import Profile

#: ``loader(remote_app, **request_kwargs) -> dict`` of OIDC standard claims.
UserInfoLoader = Callable[..., dict[str, Any]]
#: ``configure(name, settings) -> settings``: the preset's own register() keywords turned into settings.
Configure = Callable[[str, Mapping[str, Any]], Mapping[str, Any]]
#: ``derive(options) -> values``: more template values computed from the options (``sandbox`` -> a host).
Derive = Callable[[Mapping[str, Any]], Mapping[str, Any]]
#: ``policy(options) -> issuer policy`` (:class:`~..registry.issuer_policy.IssuerPolicy`).
IssuerPolicyFactory = Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True)
class PresetOption:
    """A keyword of ``register()`` that only this preset reads, such as Microsoft's ``tenant``.

    Its value (from ``register`` or the Flask config ``{NAME}_{OPTION}``) fills the
    ``{option}`` placeholders of the preset's settings.  A required option that is
    missing, or a value outside ``choices``, is a :class:`ConfigurationError` naming it.
    """

    name: str
    help: str
    required: bool = False
    default: Any = None
    choices: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class Quirk:
    """One provider quirk: a requests-oauthlib compliance hook at a named point, and why it is there."""

    point: str
    hook: Callable[..., Any]
    why: str


@dataclass(frozen=True)
class ProviderPreset:
    """Defaults for ``register()``; any explicit setting overrides them.

    ``settings`` are register() keywords whose strings may hold ``{option}``
    placeholders.  ``profile`` says where the user's profile is read and how it
    maps to OpenID Connect standard claims (providers without a userinfo
    endpoint); ``userinfo`` is a hand-written loader for the rare one that needs more.
    """

    name: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    #: The provider's name as people write it, for ``flask oauth providers`` and the docs.
    title: str = ""
    #: The docs page the preset is described on (``social``, ``enterprise``, ``developer``...).
    family: str = "other"
    options: tuple[PresetOption, ...] = ()
    derive: Derive | None = None
    quirks: tuple[Quirk, ...] = ()
    profile: Profile | None = None
    userinfo: UserInfoLoader | None = None
    issuer_policy: IssuerPolicyFactory | None = None
    docs: str = ""
    #: The provider's documentation pages this preset was written from, and when they were checked.
    references: tuple[str, ...] = ()
    checked: str = ""
    #: Whether the provider adds a new grant to the user's earlier ones when asked with
    #: ``include_granted_scopes=true`` (Google's incremental authorization); ``required``
    #: then asks for it when it needs more scopes.
    incremental_authorization: bool = False
    #: Turns the preset's own ``register()`` keywords (a key file to read, a tenant) into
    #: settings; run on the merged settings each time they are built, before they are checked.
    configure: Configure | None = None

    @property
    def option_names(self) -> frozenset[str]:
        return frozenset(option.name for option in self.options)

    def userinfo_loader(self) -> UserInfoLoader | None:
        """What ``userinfo()`` calls instead of the userinfo endpoint, if anything."""
        if self.userinfo is not None:
            return self.userinfo
        return self.profile.load if self.profile is not None else None


def split_options(preset: ProviderPreset, kwargs: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(options, the other keywords)``: the preset's own options taken out of register() keywords."""
    names = preset.option_names
    options = {key: value for key, value in kwargs.items() if key in names}
    rest = {key: value for key, value in kwargs.items() if key not in names}
    return options, rest


def preset_settings(preset: ProviderPreset, app_name: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """The preset's settings with its options filled in, ready to merge under the user's settings.

    ``given`` are the option values found (register keywords, Flask config).  The
    quirks become one ``compliance_fix``; the issuer policy is built for the options.
    """
    values = resolve_options(preset, app_name, given)
    if preset.derive is not None:
        values = {**values, **preset.derive(values)}
    settings = _render(preset.settings, values, preset.name)
    if preset.quirks:
        settings["compliance_fix"] = QuirkFix(preset.name, preset.quirks)
    if preset.issuer_policy is not None:
        settings["issuer_policy"] = preset.issuer_policy(values)
    return settings


def resolve_options(preset: ProviderPreset, app_name: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """Each option's value: given, else its default; missing required ones and wrong choices refused."""
    values: dict[str, Any] = {}
    for option in preset.options:
        value = given.get(option.name)
        if value is None:
            value = option.default
        if value is None and option.required:
            raise ConfigurationError(
                description=f"register({app_name!r}): the {preset.name} preset needs {option.name}= "
                f"({option.help}); pass it to register() or set {app_name.upper()}_{option.name.upper()}"
            )
        if value is not None and option.choices is not None and value not in option.choices:
            shown = ", ".join(repr(choice) for choice in option.choices)
            raise ConfigurationError(
                description=f"register({app_name!r}): {option.name}={value!r} is not one of {shown}"
            )
        if isinstance(value, str) and not _is_safe_template_value(value):
            raise ConfigurationError(
                description=f"register({app_name!r}): {option.name}= must be a host name or an identifier, "
                "without '/', '?', '#', '@' or spaces"
            )
        values[option.name] = value
    return values


def _is_safe_template_value(value: str) -> bool:
    """An option lands inside URLs: it may not add a path, query, user info or another host."""
    return bool(value) and not any(ch in value for ch in "/?#@\\ \t\r\n") and "%" not in value


def _render(value: Any, values: Mapping[str, Any], preset_name: str) -> Any:
    """``value`` with ``{option}`` placeholders in its strings filled, recursively through dicts and lists."""
    if isinstance(value, str):
        if "{" not in value:
            return value
        try:
            return string.Formatter().vformat(value, (), _Values(values, preset_name))
        except (ValueError, IndexError) as exc:
            raise ConfigurationError(description=f"the {preset_name} preset has a malformed template") from exc
    if isinstance(value, Mapping):
        return {key: _render(item, values, preset_name) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_render(item, values, preset_name) for item in value)
    return value


class _Values(dict[str, Any]):
    def __init__(self, values: Mapping[str, Any], preset_name: str) -> None:
        super().__init__(values)
        self.preset_name = preset_name

    def __missing__(self, key: str) -> Any:
        raise ConfigurationError(
            description=f"the {self.preset_name} preset uses {{{key}}} but declares no such option"
        )

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key)
        if value is None:
            raise ConfigurationError(
                description=f"the {self.preset_name} preset needs {key}= for this setting; pass it to register()"
            )
        return value


class QuirkFix:
    """A preset's quirks as one ``compliance_fix``: registers each hook on the app's session.

    A user's own ``compliance_fix`` given to ``register`` runs after these (see
    :func:`chain_fixes`), so that it sees what the preset's quirks made of an answer.
    """

    def __init__(self, preset_name: str, quirks: tuple[Quirk, ...]) -> None:
        self.preset_name = preset_name
        self.quirks = quirks

    def __call__(self, session: Any) -> Any:
        for quirk in self.quirks:
            session.register_compliance_hook(quirk.point, quirk.hook)
        return session

    def __repr__(self) -> str:
        return f"QuirkFix({self.preset_name!r}, {[quirk.point for quirk in self.quirks]})"


def chain_fixes(preset_fix: Any, user_fix: Any) -> Any:
    """The preset's quirks, then the user's own ``compliance_fix``; either alone when the other is absent."""
    if preset_fix is None or user_fix is None or preset_fix is user_fix:
        return user_fix if user_fix is not None else preset_fix

    def both(session: Any) -> Any:
        fixed = preset_fix(session)
        result = user_fix(fixed if fixed is not None else session)
        return result if result is not None else (fixed if fixed is not None else session)

    return both
