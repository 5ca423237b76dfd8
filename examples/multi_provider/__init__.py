"""One login page, several providers; ``userinfo()`` gives the same standard claims from each."""

from .app import create_app

__all__ = ["create_app"]
