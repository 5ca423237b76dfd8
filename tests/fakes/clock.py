"""``ShiftedClock``: a test's clock moved forward (or frozen), for state lifetimes, key refetch intervals and expiry."""

from __future__ import annotations

import time

import pytest


class ShiftedClock:
    """``time.time`` and ``time.monotonic`` moved forward by :meth:`advance` (or frozen), for one test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, frozen: bool = False) -> None:
        self.offset = 0.0
        real_time, real_monotonic = time.time, time.monotonic
        start_time, start_monotonic = real_time(), real_monotonic()
        if frozen:
            monkeypatch.setattr(time, "time", lambda: start_time + self.offset)
            monkeypatch.setattr(time, "monotonic", lambda: start_monotonic + self.offset)
        else:
            monkeypatch.setattr(time, "time", lambda: real_time() + self.offset)
            monkeypatch.setattr(time, "monotonic", lambda: real_monotonic() + self.offset)

    def advance(self, seconds: float) -> None:
        self.offset += seconds
