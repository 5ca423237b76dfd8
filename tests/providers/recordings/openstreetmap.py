"""OpenStreetMap OAuth 2.0, from the OSM wiki's OAuth page and the API v0.6 user details section."""

from tests.providers.recording import Recording

DETAILS = {
    "version": "0.6", "generator": "OpenStreetMap server",
    "user": {
        "id": 1234567, "display_name": "Sample Mapper", "account_created": "2019-04-02T08:00:00Z",
        "description": "Mapping footpaths.", "contributor_terms": {"agreed": True, "pd": False},
        "img": {"href": "https://www.openstreetmap.org/rails/active_storage/sample-avatar.png"},
        "roles": [], "changesets": {"count": 42}, "traces": {"count": 3},
        "blocks": {"received": {"count": 0, "active": 0}},
        "home": {"lat": 51.5, "lon": -0.12, "zoom": 3}, "languages": ["en-GB", "en"],
        "messages": {"received": {"count": 1, "unread": 0}, "sent": {"count": 0}},
    },
}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://www.openstreetmap.org/oauth2/authorize",
    authorize_params={"scope": "read_prefs", "code_challenge_method": "S256"},
    token_endpoint="https://www.openstreetmap.org/oauth2/token",
    token_answer={"access_token": "osm-sample-access", "token_type": "Bearer", "scope": "read_prefs",
                  "created_at": 1764662400},
    api={"https://api.openstreetmap.org/api/0.6/user/details.json": DETAILS},
    claims={"sub": "1234567", "name": "Sample Mapper", "preferred_username": "Sample Mapper",
            "picture": DETAILS["user"]["img"]["href"], "profile": "https://www.openstreetmap.org/user/Sample%20Mapper",
            "locale": "en-GB"},
)
