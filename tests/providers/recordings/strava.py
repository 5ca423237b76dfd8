"""Strava, from its authentication guide and the getLoggedInAthlete reference."""

from tests.providers.recording import Recording

ATHLETE = {
    "id": 134815, "username": "sample_rider", "resource_state": 3, "firstname": "Marianne", "lastname": "Sample",
    "city": "San Francisco", "state": "CA", "country": "US", "sex": "F", "premium": True,
    "created_at": "2017-11-14T02:30:05Z", "updated_at": "2026-02-06T19:32:06Z",
    "profile_medium": "https://dgalywyr863hv.cloudfront.net/pictures/athletes/134815/medium.jpg",
    "profile": "https://dgalywyr863hv.cloudfront.net/pictures/athletes/134815/large.jpg",
}
SUMMARY = {key: ATHLETE[key] for key in ("id", "username", "firstname", "lastname", "profile", "profile_medium")}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://www.strava.com/oauth/authorize",
    authorize_params={"scope": "read"},
    token_endpoint="https://www.strava.com/oauth/token",
    # The athlete's summary travels with the tokens; Strava sends the granted scope to the callback instead.
    token_answer={"token_type": "Bearer", "expires_at": 1893456000, "expires_in": 21600,
                  "refresh_token": "sample-strava-refresh", "access_token": "sample-strava-access",
                  "athlete": {**SUMMARY, "resource_state": 2}},
    client_auth="client_secret_post",
    callback_fields={"scope": "read"},
    api={"https://www.strava.com/api/v3/athlete": ATHLETE},
    claims={"sub": "134815", "name": "Marianne Sample", "given_name": "Marianne", "family_name": "Sample",
            "preferred_username": "sample_rider", "picture": ATHLETE["profile"],
            "profile": "https://www.strava.com/athletes/134815"},
    refresh_answer={"token_type": "Bearer", "access_token": "sample-strava-refreshed", "expires_at": 1893477600,
                    "expires_in": 21600, "refresh_token": "sample-strava-refresh"},
)
