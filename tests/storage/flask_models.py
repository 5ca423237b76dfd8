"""A Flask-SQLAlchemy ``db`` and a token model on it, as an application declares them."""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy

from flask_oauth_registry.storage import OAuthTokenMixin

db = SQLAlchemy()


class FlaskOAuthToken(OAuthTokenMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "flask_oauth_token"
