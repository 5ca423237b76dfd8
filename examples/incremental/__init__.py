"""Incremental authorization: ``@oauth.dev.required(scopes=[...])`` asks for a scope when a page needs it."""

from .app import create_app

__all__ = ["create_app"]
