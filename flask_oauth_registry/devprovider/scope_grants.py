"""Incremental authorization as Google does it: which scopes a new authorization code carries.

The provider remembers, per (user, client), every scope the user has granted
(:meth:`.Store.grant_scopes`).  An authorization request with
``include_granted_scopes=true`` gets a code for those scopes plus the requested
ones; without it, the code carries only the requested scopes (RFC 6749).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def wants_granted_scopes(value: str | None) -> bool:
    """True for ``include_granted_scopes=true`` (Google accepts exactly ``true``, any case)."""
    return (value or "").strip().lower() == "true"


def merge_scopes(first: Iterable[str], second: Iterable[str]) -> tuple[str, ...]:
    """Ordered union: ``first`` then the scopes of ``second`` not already in it."""
    merged = dict.fromkeys(first)
    merged.update(dict.fromkeys(second))
    return tuple(merged)


def code_scopes(requested: Sequence[str], granted: Iterable[str], include_granted: bool) -> list[str]:
    """The scopes of the code: previously granted + requested with the flag, else only the requested."""
    if include_granted:
        return list(merge_scopes(granted, requested))
    return list(requested)


def missing_grants(requested: Iterable[str], granted: Iterable[str]) -> list[str]:
    """Requested scopes the user has not granted yet (``prompt=none`` must then ask for consent)."""
    already = set(granted)
    return [scope for scope in requested if scope not in already]
