"""The library's blinker signals (``token_update``), also exported from the package root."""

from .registry.signals import token_update

__all__ = ["token_update"]
