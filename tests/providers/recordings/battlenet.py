"""Battle.net, from Blizzard's "Using OAuth" guides (authorization code flow, OIDC) and the OAuth APIs page."""

from tests.providers.recording import Recording

DISCOVERY = {
    "issuer": "https://oauth.battle.net",
    "authorization_endpoint": "https://oauth.battle.net/authorize",
    "token_endpoint": "https://oauth.battle.net/token",
    "userinfo_endpoint": "https://oauth.battle.net/oauth/userinfo",
    "jwks_uri": "https://oauth.battle.net/jwks/certs",
    "response_types_supported": ["code", "id_token", "code id_token"],
    "subject_types_supported": ["public"],
    "id_token_signing_alg_values_supported": ["RS256"],
    "scopes_supported": ["openid", "wow.profile", "sc2.profile", "d3.profile"],
    "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
}
USERINFO = {"sub": "100000001", "id": 100000001, "battletag": "SampleHero#1234"}

RECORDING = Recording(
    options={"region": "eu"},
    discovery=("https://oauth.battle.net/.well-known/openid-configuration", DISCOVERY),
    authorize_endpoint="https://oauth.battle.net/authorize",
    authorize_params={"scope": "openid"},
    token_endpoint="https://oauth.battle.net/token",
    token_answer={"access_token": "EUsampleAccessToken", "token_type": "bearer", "expires_in": 86399,
                  "scope": "openid", "sub": "100000001"},
    client_auth="client_secret_basic",
    id_token_claims={"sub": "100000001", "battle_tag": "SampleHero#1234"},
    api={DISCOVERY["userinfo_endpoint"]: USERINFO},
    claims={"sub": "100000001", "name": "SampleHero#1234", "preferred_username": "SampleHero#1234",
            "nickname": "SampleHero"},
)
