"""A small app for running the ``flask oauth`` commands as a real process: ``flask --app tests.cli.cli_app oauth ...``.

It registers ``dev`` on the dev provider whose discovery URL is in ``DEV_METADATA_URL``
(the tests start one) and reads ``FLASK_*`` settings from the environment, so
``FLASK_OAUTH_CLI_TOKEN_FILE`` chooses the token file.
"""

from __future__ import annotations

import os

from flask import Flask

from flask_oauth_registry import OAuth

app = Flask(__name__)
app.config.from_prefixed_env()
oauth = OAuth(app)
oauth.register(
    "dev",
    client_id="demo-client",
    client_secret="demo-secret",
    server_metadata_url=os.environ.get("DEV_METADATA_URL", "http://127.0.0.1:5556/.well-known/openid-configuration"),
    client_kwargs={"scope": "openid profile email"},
)
