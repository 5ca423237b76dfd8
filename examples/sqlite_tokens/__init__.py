"""Tokens in SQLite: ``fetch_token`` reads the signed-in user's row, ``update_token`` saves a refresh."""

from .app import create_app

__all__ = ["create_app"]
