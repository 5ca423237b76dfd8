"""OpenID Connect login with server-side tokens: ``create_app()`` builds the app."""

from .app import create_app

__all__ = ["create_app"]
