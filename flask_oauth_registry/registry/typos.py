"""Settings nothing reads (likely typos), found as :class:`ConfigProblem` data naming the key meant.

Pure functions over names and settings: the extension decides how a problem is
reported (a :class:`~flask_oauth_registry.ConfigurationWarning` at the user's line).
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .config import CLIENT_KWARGS_KEYS, CONFIG_KEYS

#: A typo keeps most of the name (difflib similarity) and nearly its length.
TYPO_SIMILARITY = 0.85
TYPO_LENGTH_DIFFERENCE = 2

#: Where a message about an ignored setting sends the reader.
ACCEPTED_SETTINGS_DOC = "docs/configuration.rst"


@dataclass(frozen=True)
class ConfigProblem:
    """A setting that is ignored: where it was given, its key, and the message for the user.

    Two problems are the same when they name the same key in the same place,
    whatever the wording, so a problem already reported is recognised.
    """

    where: str
    key: str
    message: str = field(compare=False)


def unknown_setting_problems(name: str, unknown: Iterable[str], accepted: Collection[str]) -> list[ConfigProblem]:
    """One problem per register() keyword (or preset setting) that nothing reads."""
    return [
        ConfigProblem(
            f"register({name!r})", key,
            f"register({name!r}): ignoring unknown setting {key!r}{did_you_mean(key, accepted)} "
            f"See {ACCEPTED_SETTINGS_DOC} (register() keywords) for accepted settings",
        )
        for key in sorted(unknown)
    ]


def unknown_client_kwargs_problems(where: str, client_kwargs: Mapping[str, Any]) -> list[ConfigProblem]:
    """One problem per ``client_kwargs`` key that nothing reads; ``where`` is its config key."""
    return [
        ConfigProblem(
            where, key,
            f"{where}: ignoring unknown key {key!r}{did_you_mean(key, CLIENT_KWARGS_KEYS)} "
            f"See {ACCEPTED_SETTINGS_DOC} (client_kwargs) for accepted keys",
        )
        for key in sorted(set(client_kwargs) - CLIENT_KWARGS_KEYS)
    ]


def misspelled_config_key_problems(
    name: str, app_config: Mapping[str, Any], registered: Iterable[str] = ()
) -> list[ConfigProblem]:
    """One problem per ``{NAME}_*`` key of ``app_config`` that looks like a typo of a config key.

    ``GOOGLE_CLIENT_SECERT`` is otherwise silently ignored and surfaces later as
    ``invalid_client``.  See :func:`misspelled_config_keys` for what counts as a typo.
    The value is never shown: it may be a secret.
    """
    known = {key.upper() for key in CONFIG_KEYS}
    return [
        ConfigProblem(
            "Flask config", key,
            f"Flask config key {key} is ignored by register({name!r}); did you mean {meant}? "
            f"See {ACCEPTED_SETTINGS_DOC} (Flask config keys)",
        )
        for key, meant in misspelled_config_keys(name, app_config, known, registered).items()
    ]


def did_you_mean(key: str, candidates: Iterable[str]) -> str:
    """``"; did you mean 'scope'?"`` for the closest candidate, or ``"."`` when none is close."""
    close = difflib.get_close_matches(key, sorted(candidates), n=1)
    return f"; did you mean {close[0]!r}?" if close else "."


def misspelled_config_keys(
    name: str, app_config: Mapping[str, Any], config_keys: Collection[str], registered: Iterable[str] = ()
) -> dict[str, str]:
    """The ``{NAME}_*`` keys of ``app_config`` that look like typos, each mapped to the key it resembles.

    ``config_keys`` are the known suffixes (``CLIENT_ID`` ...).  Only near misses
    count (:func:`typo_of`), so that other extensions' keys sharing the prefix
    (app ``cache`` and Flask-Caching's ``CACHE_TYPE``; ``TWITTER_ACCESS_TOKEN``)
    are left alone.  Keys of another app are not this app's typos: those under a
    longer ``registered`` name (``GOOGLE_WORK_`` beside ``GOOGLE_``), and those
    whose tail after an underscore is a known key or a typo of one
    (``GOOGLE_WORK_CLIENT_ID`` belongs to an app ``google_work``, registered or not).
    """
    prefix = name.upper() + "_"
    longer_prefixes = tuple(
        other.upper() + "_" for other in registered if other != name and other.upper().startswith(prefix)
    )
    found = {}
    for key in app_config:
        if not isinstance(key, str) or not key.startswith(prefix) or key.startswith(longer_prefixes):
            continue
        rest = key[len(prefix):]
        meant = typo_of(rest, config_keys)
        if meant is None or _names_another_app(rest, config_keys):
            continue
        found[key] = prefix + meant
    return found


def typo_of(key: str, known: Collection[str]) -> str | None:
    """The known key that ``key`` is a near miss of, or ``None``.

    Near miss: difflib similarity of at least :data:`TYPO_SIMILARITY` and a length
    within :data:`TYPO_LENGTH_DIFFERENCE` characters.  That catches a swapped,
    missing, doubled or wrong letter (``CLIENT_SECERT``, ``CLIENTID``,
    ``CLIENT_KWARG``) but not another word (``ACCESS_TOKEN`` beside
    ``ACCESS_TOKEN_URL``, ``ACCESS_TOKEN_EXPIRES``, ``CLIENT_SECRETS_FILE``).
    """
    if key in known:
        return None
    candidates = [k for k in known if abs(len(k) - len(key)) <= TYPO_LENGTH_DIFFERENCE]
    close = difflib.get_close_matches(key, candidates, n=1, cutoff=TYPO_SIMILARITY)
    return close[0] if close else None


def _names_another_app(rest: str, known: Collection[str]) -> bool:
    """Whether ``rest`` reads as ``{OTHER}_{KEY}``: a tail after an underscore is a known key or a typo of one."""
    parts = rest.split("_")
    tails = ("_".join(parts[i:]) for i in range(1, len(parts)))
    return any(tail in known or typo_of(tail, known) is not None for tail in tails)
