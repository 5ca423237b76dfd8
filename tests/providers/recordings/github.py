"""GitHub OAuth Apps, from GitHub's "Authorizing OAuth apps" guide and the REST users and emails pages."""

from tests.providers.recording import Recording

USER = {
    "login": "octo-sample", "id": 4242, "avatar_url": "https://avatars.githubusercontent.com/u/4242",
    "html_url": "https://github.com/octo-sample", "name": "Octo Sample", "email": None, "blog": "",
    "updated_at": "2026-06-01T10:00:00Z",
}
EMAILS = [
    {"email": "octo@example.com", "primary": True, "verified": True, "visibility": "private"},
    {"email": "octo@users.noreply.github.com", "primary": False, "verified": True, "visibility": None},
]

RECORDING = Recording(
    options={},
    authorize_endpoint="https://github.com/login/oauth/authorize",
    authorize_params={"scope": "read:user user:email"},
    token_endpoint="https://github.com/login/oauth/access_token",
    # GitHub answers form-encoded unless asked for JSON; the client asks with Accept: application/json.
    token_answer={"access_token": "gho_sampletoken", "scope": "read:user,user:email", "token_type": "bearer"},
    client_auth="client_secret_post",
    token_headers={"Accept": "application/json"},
    api={"https://api.github.com/user": USER, "https://api.github.com/user/emails": EMAILS},
    claims={
        "sub": "4242", "preferred_username": "octo-sample", "name": "Octo Sample", "email": "octo@example.com",
        "email_verified": True, "picture": USER["avatar_url"], "given_name": "Octo", "family_name": "Sample",
    },
)
