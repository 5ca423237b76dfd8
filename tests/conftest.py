"""Shared fixtures: a Flask app with a secret key and an OAuth registry on it."""

from __future__ import annotations

import pytest
from flask import Flask

from flask_oauth_registry import OAuth


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test-secret-key", TESTING=True, SERVER_NAME="client.test")
    return app


@pytest.fixture
def oauth(app: Flask) -> OAuth:
    return OAuth(app)
