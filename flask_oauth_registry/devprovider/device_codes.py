"""Device codes of the device authorization grant (RFC 8628): issued, decided by the user, polled by the device.

A device code starts pending; the user approves or denies it on the verification
page by its user code; the device polls with the device code and is told
``authorization_pending``, ``slow_down`` (polled faster than the interval, which
then grows by 5 seconds, RFC 8628 3.5), ``access_denied``, ``expired_token``, or
gets its token once (the code is claimed).  Everything happens under one lock.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

#: RFC 8628 6.1: consonants only (no vowels, so no words; no look-alike characters), case-insensitive.
USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
USER_CODE_LENGTH = 8
#: Seconds to add to a device's interval after each ``slow_down`` (RFC 8628 3.5).
SLOW_DOWN_STEP = 5
#: Expired device codes are still answered ``expired_token`` for this long, then forgotten.
EXPIRED_GRACE = 3600

# The answers to a poll, as oauthlib's ``RequestValidator.validate_device_code`` returns them
# (``DeviceCodeGrant.DEVICE_CODE_*``): the RFC 8628 3.5 error codes, and "authorized".
AUTHORIZED = "authorized"
PENDING = "authorization_pending"
SLOW_DOWN = "slow_down"
EXPIRED = "expired_token"
DENIED = "access_denied"


def new_user_code() -> str:
    """A user code such as ``WDJB-MJHT``: 8 of 20 consonants (about 34 bits), in two groups for reading aloud."""
    code = "".join(secrets.choice(USER_CODE_ALPHABET) for _ in range(USER_CODE_LENGTH))
    return f"{code[:4]}-{code[4:]}"


def normalize_user_code(text: str | None) -> str:
    """What the user typed, as issued: upper case, the dash where it belongs, spaces and dashes ignored."""
    letters = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    return f"{letters[:4]}-{letters[4:]}" if len(letters) == USER_CODE_LENGTH else letters


@dataclass
class DeviceCode:
    """A device code, its user code and where the user's decision stands."""

    device_code: str
    user_code: str
    client_id: str
    scopes: list[str]
    expires_at: float
    #: Seconds the device must wait between polls; grows by 5 with each ``slow_down``.
    interval: int
    status: str = PENDING
    user: str | None = None
    auth_time: int | None = None
    last_poll: float | None = field(default=None, repr=False)


class DeviceCodes:
    """The device codes of one provider, by device code and by user code."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._by_device: dict[str, DeviceCode] = {}
        self._by_user: dict[str, DeviceCode] = {}

    def issue(
        self, device_code: str, user_code: str, client_id: str, scopes: list[str], expires_in: int, interval: int
    ) -> DeviceCode:
        """Remember the codes the device authorization endpoint just issued, valid for ``expires_in`` seconds."""
        record = DeviceCode(device_code, user_code, client_id, scopes, self._clock() + expires_in, interval)
        with self._lock:
            self._prune()
            self._by_device[record.device_code] = record
            self._by_user[record.user_code] = record
        return record

    def pending(self, user_code: str | None) -> DeviceCode | None:
        """The unexpired, undecided device code for what the user typed, if any."""
        with self._lock:
            record = self._by_user.get(normalize_user_code(user_code))
            if record is None or record.status != PENDING or record.expires_at <= self._clock():
                return None
            return record

    def decide(self, user_code: str, user: str | None, auth_time: int | None = None) -> bool:
        """Approve the code for ``user`` (``None``: the user denied it); False when it is no longer pending."""
        with self._lock:
            record = self._by_user.get(normalize_user_code(user_code))
            if record is None or record.status != PENDING or record.expires_at <= self._clock():
                return False
            record.status = AUTHORIZED if user else DENIED
            record.user, record.auth_time = user, auth_time
            return True

    def poll(self, device_code: str, client_id: str | None) -> tuple[str | None, DeviceCode | None]:
        """The answer to one poll (an oauthlib ``DEVICE_CODE_*`` status, ``None`` for an unknown code) and the record.

        An approved code is handed out once; a pending one polled sooner than its
        interval after the previous poll is told to slow down, and its interval grows.
        """
        with self._lock:
            record = self._by_device.get(device_code)
            if record is None or record.client_id != client_id:
                return None, None
            now = self._clock()
            if record.expires_at <= now:
                return EXPIRED, record
            if record.status == AUTHORIZED:
                self._forget(record)
                return AUTHORIZED, record
            if record.status == DENIED:
                return DENIED, record
            too_soon = record.last_poll is not None and now - record.last_poll < record.interval
            record.last_poll = now
            if too_soon:
                record.interval += SLOW_DOWN_STEP
                return SLOW_DOWN, record
            return PENDING, record

    def _forget(self, record: DeviceCode) -> None:
        self._by_device.pop(record.device_code, None)
        self._by_user.pop(record.user_code, None)

    def _prune(self) -> None:
        cutoff = self._clock() - EXPIRED_GRACE
        for record in [r for r in self._by_device.values() if r.expires_at <= cutoff]:
            self._forget(record)
