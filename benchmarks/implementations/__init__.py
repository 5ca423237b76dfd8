"""The implementations compared: ours, Authlib's Flask client (when installed), and hand-written floors.

Each one offers the same three things: a Flask app with ``/login`` and ``/callback``,
an API caller for plain HTTP or HTTPS, and a count of JWKS parses.  Modules are
imported by name only when asked for, so a memory measurement of one does not
load the others.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

import requests
from flask import Flask

from ..protocol import Endpoints

ApiCall = Callable[[], requests.Response]

#: name -> module that defines ``build(endpoints) -> Implementation``; "floor" is the reference.
MODULES = {"ours": "ours", "authlib": "authlib_client", "floor": "floor"}
REFERENCE = "floor"
_MISSING = object()


class JwksParseCounter(Protocol):
    count: int


class Implementation(Protocol):
    """What a benchmark needs of one client library."""

    name: str
    app: Flask

    def api_client(self, tls: bool) -> AbstractContextManager[ApiCall]:
        """Set up what a view would have (an app context) and yield a function making one API call."""

    def jwks_parses(self) -> AbstractContextManager[JwksParseCounter]:
        """Count JWKS parses (key-set imports) made while the block runs."""


def authlib_installed() -> bool:
    """Whether Authlib's Flask client can be imported (``pip install -e .[bench]``)."""
    return importlib.util.find_spec("authlib") is not None


def available_names() -> list[str]:
    """The implementations that can run here, ours first and the floor last."""
    return [name for name in MODULES if name != "authlib" or authlib_installed()]


def build(name: str, endpoints: Endpoints) -> Implementation:
    """Import and set up one implementation against the running provider."""
    module = importlib.import_module(f".{MODULES[name]}", __name__)
    return module.build(endpoints)  # type: ignore[no-any-return]


class Tally:
    """A plain counter a patched function bumps."""

    def __init__(self) -> None:
        self.count = 0


def counting(holder: object, attribute: str) -> AbstractContextManager[Tally]:
    """Replace ``holder.attribute`` (a module function or a class's method) by a counting wrapper."""

    @contextmanager
    def patch() -> Iterator[Tally]:
        tally = Tally()
        raw = vars(holder).get(attribute, _MISSING)
        original = getattr(holder, attribute)

        def wrapper(*args: object, **kwargs: object) -> object:
            tally.count += 1
            return original(*args, **kwargs)

        setattr(holder, attribute, staticmethod(wrapper) if isinstance(holder, type) else wrapper)
        try:
            yield tally
        finally:
            if raw is _MISSING:
                delattr(holder, attribute)
            else:
                setattr(holder, attribute, raw)

    return patch()
