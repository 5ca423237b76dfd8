"""Discord OAuth2, from its OAuth2 topic, the User resource and the image formatting reference."""

from tests.providers.recording import Recording

USER = {
    "id": "80351110224678912", "username": "sampleuser", "global_name": "Sample User", "discriminator": "0",
    "avatar": "8342729096ea3675442027381ff50dfe", "verified": True, "email": "sample@example.com",
    "flags": 64, "banner": None, "accent_color": None, "premium_type": 0, "public_flags": 64, "locale": "en-US",
    "mfa_enabled": True,
}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://discord.com/oauth2/authorize",
    authorize_params={"scope": "identify email"},
    token_endpoint="https://discord.com/api/oauth2/token",
    token_answer={"access_token": "6qrZcUqja-sample", "token_type": "Bearer", "expires_in": 604800,
                  "refresh_token": "D43f5y0a-sample", "scope": "identify email"},
    client_auth="client_secret_basic",
    api={"https://discord.com/api/v10/users/@me": USER},
    claims={"sub": "80351110224678912", "name": "Sample User", "preferred_username": "sampleuser",
            "email": "sample@example.com", "email_verified": True, "locale": "en-US",
            "picture": "https://cdn.discordapp.com/avatars/80351110224678912/8342729096ea3675442027381ff50dfe.png"},
    refresh_answer={"access_token": "6qrZcUqja-refreshed", "token_type": "Bearer", "expires_in": 604800,
                    "refresh_token": "D43f5y0a-sample-2", "scope": "identify email"},
)
