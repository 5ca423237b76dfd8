"""The device authorization grant (RFC 8628): a user code to show, then polling the token endpoint.

:func:`start_device_authorization` asks the provider for a device code and a user
code (3.1, 3.2) and returns a :class:`DeviceAuthorization`; :func:`poll_device_token`
polls the token endpoint (3.4) until the user approved or refused, honouring the
interval and ``slow_down`` (3.5).  Reading the provider's answer and deciding the
next wait are pure; HTTP goes through the app's token endpoint (given as a
:class:`DeviceTokenEndpoint`) and time through the ``sleep`` and ``clock`` passed in.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol
from urllib.parse import urlsplit

from ..registry.answers import ProtocolAnswer, parse_json_object
from ..registry.errors import BadResponseError, InvalidTokenError, LoginTimeoutError, ProviderError

#: Seconds between polls when the provider names no interval (RFC 8628 3.2).
DEFAULT_INTERVAL = 5
#: Seconds added to the interval by each ``slow_down``, for that poll and every later one (RFC 8628 3.5).
SLOW_DOWN_STEP = 5
#: The token endpoint's answers that mean "ask again later" (RFC 8628 3.5).
KEEP_POLLING = frozenset({"authorization_pending", "slow_down"})

_WHAT = "device authorization response"


class DeviceTokenEndpoint(Protocol):
    """What the device flow needs of an app's token endpoint (:class:`.TokenEndpoint` is one)."""

    def device_authorization(self, form: Mapping[str, Any]) -> ProtocolAnswer:
        """POST ``form`` to the device authorization endpoint, the client authenticated; the answer as it came."""

    def device_token(self, device_code: str, dpop_key: Any = None) -> dict[str, Any]:
        """One token request for ``device_code`` (signed with ``dpop_key``, RFC 9449); an OAuth error answer raises
        :class:`.ProviderError`."""


@dataclass(frozen=True, kw_only=True)
class DeviceAuthorization:
    """A started device login (RFC 8628): what to show the user, and how long and how often to poll.

    ``oauth.<name>.start_device_authorization(scope=None, **params)`` returns it:
    it posts to the provider's ``device_authorization_endpoint`` (discovered, or
    given to ``register()``), the client authenticated as at the token endpoint.
    Show ``verification_uri`` and ``user_code`` (or ``verification_uri_complete``,
    which carries the code, for a QR code or a link), then poll::

        flow = oauth.dev.start_device_authorization()
        print(f"Open {flow.verification_uri} and enter {flow.user_code}")
        token = oauth.dev.poll_device_token(flow, on_pending=lambda left: print(f"{left:.0f} s left"))

    ``poll_device_token(flow, *, timeout=None, on_pending=None)`` waits ``interval``
    seconds before each poll and 5 more, for good, after each ``slow_down``; it calls
    ``on_pending(seconds_left)`` after each "not yet".  It returns the token (for an
    ``openid`` scope, its ID token checked and its claims under ``"userinfo"``, as
    after a login), or raises :class:`~flask_oauth_registry.ProviderError`:
    ``access_denied``, ``expired_token`` (also when ``expires_at`` passes) or the
    provider's other code; after ``timeout`` seconds,
    :class:`~flask_oauth_registry.LoginTimeoutError`.

    The device code is a credential: it is kept out of ``repr()`` and ``str()``.
    """

    #: The code the user types at ``verification_uri``.
    user_code: str
    #: Where the user goes to enter the code (RFC 8628 3.2; ``verification_url`` in Google's answers).
    verification_uri: str
    #: ``verification_uri`` with the user code in it, when the provider gives one.
    verification_uri_complete: str | None = None
    #: Seconds the codes were valid for when they were issued.
    expires_in: int
    #: Seconds to wait between polls, as the provider asked (5 when it did not say).
    interval: int = DEFAULT_INTERVAL
    #: When the codes expire, in epoch seconds: polling stops then.
    expires_at: float
    #: The scope asked for (``None``: the provider's default); ``openid`` in it means an ID token is expected.
    scope: str | None = None
    device_code: str = field(repr=False)
    #: The DPoP key every poll is signed with, so the token is bound to one key (RFC 9449); ``None`` without DPoP.
    dpop_key: Any = field(default=None, repr=False, compare=False)

    @property
    def requests_openid(self) -> bool:
        """Whether the login asked for an ID token (``openid`` in the scope)."""
        return "openid" in (self.scope or "").split()


# -- the provider's answer (pure) --------------------------------------------------------
def parse_device_authorization(answer: ProtocolAnswer, scope: str | None, now: float) -> DeviceAuthorization:
    """Read the device authorization response (RFC 8628 3.2) received at ``now``.

    An OAuth error answer is a :class:`.ProviderError` with the provider's code;
    anything else that is not a usable answer is a :class:`.BadResponseError`.
    """
    data = _answer_object(answer)
    if data.get("error"):
        raise ProviderError(
            error=str(data["error"]), description=data.get("error_description"), uri=data.get("error_uri"),
            status_code=answer.status,
        )
    if answer.status != 200:
        raise BadResponseError(description=f"the device authorization endpoint answered HTTP {answer.status}")
    expires_in = _seconds(data.get("expires_in"), "expires_in")
    if expires_in is None:
        raise BadResponseError(description=f"the {_WHAT} has no expires_in")
    interval = _seconds(data.get("interval"), "interval")
    complete = data.get("verification_uri_complete")
    return DeviceAuthorization(
        device_code=_text(data, "device_code"),
        user_code=_text(data, "user_code"),
        verification_uri=_verification_uri(data),
        # Optional: one that is not a URL is left out, the user can still type the code.
        verification_uri_complete=complete if _is_web_url(complete) else None,
        expires_in=expires_in,
        interval=DEFAULT_INTERVAL if interval is None else interval,
        expires_at=now + expires_in,
        scope=scope,
    )


def _answer_object(answer: ProtocolAnswer) -> dict[str, Any]:
    """The answer's JSON object; an error status without one is a bad response, not a parse error."""
    try:
        return parse_json_object(answer.body, _WHAT)
    except BadResponseError:
        if answer.status != 200:
            raise BadResponseError(
                description=f"the device authorization endpoint answered HTTP {answer.status} without an OAuth error"
            ) from None
        raise


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    # Printable only: the user code is shown in a terminal, where control characters would be obeyed.
    if not isinstance(value, str) or not value or not value.isprintable():
        raise BadResponseError(description=f"the {_WHAT} has no {name}")
    return value


def _verification_uri(data: Mapping[str, Any]) -> str:
    # Google (and the drafts before RFC 8628) call it verification_url.
    value = data.get("verification_uri", data.get("verification_url"))
    if not _is_web_url(value):
        raise BadResponseError(description=f"the {_WHAT} has no verification_uri that is an http(s) URL")
    return str(value)


def _is_web_url(value: Any) -> bool:
    if not isinstance(value, str) or not value.isprintable():
        return False
    parts = urlsplit(value)
    return parts.scheme in ("https", "http") and bool(parts.netloc)


def _seconds(value: Any, name: str) -> int | None:
    """A positive number of seconds (a number or a numeric string, rounded up); ``None`` when absent."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            value = None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise BadResponseError(description=f"the {_WHAT}'s {name} is not a positive number of seconds")
    return math.ceil(value)


def next_interval(interval: int, error: str) -> int:
    """The wait before the next poll after the provider answered ``error``.

    ``slow_down`` adds 5 seconds for that poll and every later one (RFC 8628 3.5);
    ``authorization_pending`` keeps the interval.
    """
    return interval + SLOW_DOWN_STEP if error == "slow_down" else interval


# -- the requests ------------------------------------------------------------------------
def start_device_authorization(
    endpoint: DeviceTokenEndpoint, scope: str | None, params: Mapping[str, Any],
    clock: Callable[[], float] = time.time, dpop_key: Any = None,
) -> DeviceAuthorization:
    """Ask the provider for a device code and a user code (RFC 8628 3.1) for ``scope`` (``None``: its default).

    ``params`` are added to the request (``audience``...); ``dpop_key`` signs the polls.
    """
    form = dict(params)
    if scope:
        form["scope"] = scope
    answer = endpoint.device_authorization(form)
    flow = parse_device_authorization(answer, scope, clock())
    return flow if dpop_key is None else replace(flow, dpop_key=dpop_key)


def poll_device_token(
    endpoint: DeviceTokenEndpoint,
    flow: DeviceAuthorization,
    *,
    verify_id_token: Callable[[Mapping[str, Any]], Any] | None = None,
    timeout: float | None = None,
    on_pending: Callable[[float], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
) -> dict[str, Any]:
    """Poll the token endpoint for ``flow`` until the user decided; return the token (RFC 8628 3.4, 3.5).

    Each poll comes a full interval after the last; every ``slow_down`` adds 5
    seconds to the interval for good.  After each "not yet" answer,
    ``on_pending(seconds_left)`` is called with the seconds until the codes expire.
    ``access_denied``, ``expired_token`` and any other error answer end the
    polling as a :class:`.ProviderError`, and so does reaching ``flow.expires_at``
    (``expired_token``); reaching ``timeout`` seconds ends it with a
    :class:`.LoginTimeoutError`.  When the flow asked for ``openid``,
    the token's ID token is checked with ``verify_id_token`` and its claims put
    under ``"userinfo"``, as after a login.
    """
    interval = flow.interval
    stop_at = flow.expires_at if timeout is None else min(flow.expires_at, clock() + timeout)
    while True:
        sleep(max(0.0, min(interval, stop_at - clock())))
        _stop_if_over(flow, stop_at, clock())
        try:
            token = endpoint.device_token(flow.device_code, dpop_key=flow.dpop_key)
        except ProviderError as exc:
            if exc.error not in KEEP_POLLING:
                raise
            interval = next_interval(interval, exc.error)
            if on_pending is not None:
                on_pending(max(0.0, flow.expires_at - clock()))
            continue
        return _checked(token, flow, verify_id_token)


def _stop_if_over(flow: DeviceAuthorization, stop_at: float, now: float) -> None:
    """Raise when the codes expired or the caller's timeout passed: no poll would help."""
    if now >= flow.expires_at:
        raise ProviderError(error="expired_token", description="the device code expired before the user approved it")
    if now >= stop_at:
        raise LoginTimeoutError(description="the user did not approve the device within the timeout")


def _checked(
    token: dict[str, Any], flow: DeviceAuthorization, verify_id_token: Callable[[Mapping[str, Any]], Any] | None
) -> dict[str, Any]:
    """The token, its ID token verified when the flow asked for ``openid`` (OIDC Core 3.1.3.7)."""
    if not flow.requests_openid or verify_id_token is None:
        return token
    if "id_token" not in token:
        raise InvalidTokenError(description="the provider returned no id_token for an openid request")
    token["userinfo"] = verify_id_token(token)
    return token
