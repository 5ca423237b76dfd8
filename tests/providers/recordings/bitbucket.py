"""Bitbucket Cloud, from its OAuth 2.0 page and the REST users and e-mail references."""

from tests.providers.recording import Recording

USER = {
    "type": "user", "uuid": "{d301aafa-d676-4ee0-88be-962be7417567}", "account_id": "557058:sample-account",
    "nickname": "samplecoder", "display_name": "Sample Coder", "created_on": "2020-01-01T00:00:00+00:00",
    "links": {"avatar": {"href": "https://secure.gravatar.com/avatar/sample?d=retro"},
              "html": {"href": "https://bitbucket.org/%7Bd301aafa-d676-4ee0-88be-962be7417567%7D/"}},
}
EMAILS = {"pagelen": 10, "page": 1, "size": 2, "values": [
    {"type": "email", "email": "old@example.com", "is_primary": False, "is_confirmed": True},
    {"type": "email", "email": "coder@example.com", "is_primary": True, "is_confirmed": True},
]}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://bitbucket.org/site/oauth2/authorize",
    token_endpoint="https://bitbucket.org/site/oauth2/access_token",
    # Bitbucket's answer says "scopes" and echoes the grant as "state".
    token_answer={"access_token": "sample-bb-access", "scopes": "account email", "expires_in": 7200,
                  "refresh_token": "sample-bb-refresh", "token_type": "bearer", "state": "authorization_code"},
    client_auth="client_secret_basic",
    api={"https://api.bitbucket.org/2.0/user": USER, "https://api.bitbucket.org/2.0/user/emails": EMAILS},
    claims={"sub": USER["uuid"], "name": "Sample Coder", "preferred_username": "samplecoder",
            "email": "coder@example.com", "email_verified": True, "picture": USER["links"]["avatar"]["href"]},
    refresh_answer={"access_token": "sample-bb-refreshed", "scopes": "account email", "expires_in": 7200,
                    "refresh_token": "sample-bb-refresh", "token_type": "bearer", "state": "refresh_token"},
)
