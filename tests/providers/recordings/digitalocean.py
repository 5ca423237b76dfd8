"""DigitalOcean, from its OAuth API reference and the Account endpoint of API v2."""

from tests.providers.recording import Recording

ACCOUNT = {"account": {
    "droplet_limit": 25, "floating_ip_limit": 5, "volume_limit": 100, "email": "sammy@example.com",
    "name": "Sammy Sample", "uuid": "b6fr89dbf6d9156cace5f3c78dc9851d957381ef", "email_verified": True,
    "status": "active", "status_message": "", "team": {"uuid": "5df3e3004a17e242b7c20ca6", "name": "My Team"},
}}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://cloud.digitalocean.com/v1/oauth/authorize",
    authorize_params={"scope": "read"},
    token_endpoint="https://cloud.digitalocean.com/v1/oauth/token",
    token_answer={"access_token": "doo_v1_sample-access", "token_type": "bearer", "expires_in": 2592000,
                  "refresh_token": "dor_v1_sample-refresh", "scope": "read",
                  "info": {"name": "Sammy Sample", "email": "sammy@example.com", "uuid": ACCOUNT["account"]["uuid"]}},
    client_auth="client_secret_post",
    api={"https://api.digitalocean.com/v2/account": ACCOUNT},
    claims={"sub": ACCOUNT["account"]["uuid"], "name": "Sammy Sample", "email": "sammy@example.com",
            "email_verified": True},
    refresh_answer={"access_token": "doo_v1_sample-refreshed", "token_type": "bearer", "expires_in": 2592000,
                    "refresh_token": "dor_v1_sample-refresh-2", "scope": "read"},
)
