"""Users' apps, as source text that each pytester test file starts with (only the package is imported)."""

AUTHLIB_STYLE_APP = '''
from flask import Flask, jsonify, session, url_for
from flask_oauth_registry import OAuth

def make_app(**register):
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", TESTING=True)
    saved = {}

    def fetch_token(name):
        return saved.get((name, session.get("user")))

    def update_token(name, token, refresh_token=None, access_token=None):
        saved[(name, session.get("user"))] = token

    oauth = OAuth(app, fetch_token=fetch_token, update_token=update_token)
    settings = dict(
        client_id="my-client", client_secret="my-secret",
        server_metadata_url="https://accounts.example.com/.well-known/openid-configuration",
        api_base_url="https://api.example.com/v1/", client_kwargs={"scope": "openid email"},
    )
    settings.update(register)
    oauth.register("example", **settings)

    @app.route("/login")
    def login():
        return oauth.example.authorize_redirect(url_for("auth", _external=True))

    @app.route("/auth")
    def auth():
        token = oauth.example.authorize_access_token()
        session["user"] = token["userinfo"]["sub"]
        update_token("example", token)
        return jsonify(email=token["userinfo"].get("email"))

    @app.route("/me")
    def me():
        return jsonify(oauth.example.get("me").json())

    return app
'''

READY_ROUTES_APP = '''
from cachelib import SimpleCache
from flask import Flask, jsonify
from flask_oauth_registry import OAuth
from flask_oauth_registry.storage import CacheStorage

def make_app():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", TESTING=True)
    oauth = OAuth(app, storage=CacheStorage(SimpleCache()), routes=True)
    oauth.register(
        "corp", client_id="corp-client", client_secret="corp-secret",
        server_metadata_url="https://login.corp.example/.well-known/openid-configuration",
        api_base_url="https://api.corp.example/", client_kwargs={"scope": "openid profile"},
    )
    oauth.register(
        "chat", client_id="chat-client", client_secret="chat-secret",
        authorize_url="https://chat.example/oauth/authorize", access_token_url="https://chat.example/oauth/token",
        api_base_url="https://chat.example/api/",
        client_kwargs={"scope": "read", "token_endpoint_auth_method": "client_secret_post"},
    )

    @app.route("/dashboard")
    @oauth.corp.required
    def dashboard():
        return jsonify(name=oauth.corp.get("profile").json()["name"])

    @app.route("/rooms")
    @oauth.chat.required(scopes=["read"])
    def rooms():
        return jsonify(user=oauth.chat.get("whoami").json()["sub"])

    return app
'''

# A real bug: the callback exchanges the code directly, never comparing the state (and PKCE turned off).
STATELESS_CALLBACK_APP = '''
from flask import Flask, jsonify, request, url_for
from flask_oauth_registry import OAuth

def make_app():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", TESTING=True)
    oauth = OAuth(app)
    oauth.register(
        "example", client_id="my-client", client_secret="my-secret",
        authorize_url="https://provider.example/authorize", access_token_url="https://provider.example/token",
        client_kwargs={"code_challenge_method": None},
    )

    @app.route("/login")
    def login():
        return oauth.example.authorize_redirect(url_for("auth", _external=True))

    @app.route("/auth")
    def auth():
        token = oauth.example.fetch_access_token(
            code=request.args["code"], redirect_uri=url_for("auth", _external=True))
        return jsonify(ok=bool(token))

    return app
'''

OAUTH1_APP = '''
from flask import Flask, jsonify, session, url_for
from flask_oauth_registry import OAuth

def make_app():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", TESTING=True)
    oauth = OAuth(app, fetch_token=lambda name: session.get("token"))
    oauth.register(
        "tweets", client_id="consumer-key", client_secret="consumer-secret",
        request_token_url="https://api.tweets.example/oauth/request_token",
        authorize_url="https://api.tweets.example/oauth/authorize",
        access_token_url="https://api.tweets.example/oauth/access_token",
        api_base_url="https://api.tweets.example/1.1/",
    )

    @app.route("/login")
    def login():
        return oauth.tweets.authorize_redirect(url_for("auth", _external=True))

    @app.route("/auth")
    def auth():
        session["token"] = oauth.tweets.authorize_access_token()
        return "ok"

    @app.route("/me")
    def me():
        return jsonify(oauth.tweets.get("account/verify_credentials.json").json())

    return app
'''
