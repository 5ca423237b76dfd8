"""Dropbox, from the OAuth guide and the HTTP API documentation (oauth2/token, users/get_current_account)."""

from tests.providers.recording import Recording

ACCOUNT = {
    "account_id": "dbid:AAH4f99T0taONIb-sample", "email": "franz@example.com", "email_verified": True,
    "disabled": False, "locale": "en", "country": "US", "is_paired": False,
    "name": {"abbreviated_name": "FS", "display_name": "Franz Sample", "familiar_name": "Franz",
             "given_name": "Franz", "surname": "Sample"},
    "profile_photo_url": "https://dl-web.dropbox.com/account_photo/get/dbaphid%3AAAHsample",
    "account_type": {".tag": "basic"},
    "root_info": {".tag": "user", "home_namespace_id": "3235641", "root_namespace_id": "3235641"},
}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://www.dropbox.com/oauth2/authorize",
    authorize_params={"token_access_type": "offline", "scope": "account_info.read"},
    token_endpoint="https://api.dropboxapi.com/oauth2/token",
    token_answer={"access_token": "sl.sample-access", "expires_in": 14400, "token_type": "bearer",
                  "scope": "account_info.read", "refresh_token": "sample-refresh",
                  "account_id": ACCOUNT["account_id"], "uid": "12345"},
    client_auth="client_secret_basic",
    api={"https://api.dropboxapi.com/2/users/get_current_account": ACCOUNT},
    api_method="POST",
    claims={"sub": ACCOUNT["account_id"], "name": "Franz Sample", "given_name": "Franz", "family_name": "Sample",
            "email": "franz@example.com", "email_verified": True, "picture": ACCOUNT["profile_photo_url"],
            "locale": "en"},
    refresh_answer={"access_token": "sl.sample-refreshed", "expires_in": 14400, "token_type": "bearer"},
)
