"""Notion public integrations, from its Authorization guide, "Retrieve your token's bot user" and versioning."""

from tests.providers.recording import Recording

OWNER = {"object": "user", "id": "5f2a1c9e-7b3d-4e8a-9c01-23456789abcd", "name": "Avery Sample",
         "avatar_url": "https://s3-us-west-2.amazonaws.com/public.notion-static.com/sample.png",
         "type": "person", "person": {"email": "avery@example.com"}}
BOT = {"object": "user", "id": "16d84278-ab0e-484c-9bdd-b35da3bd8905", "name": "Sample Integration",
       "avatar_url": None, "type": "bot",
       "bot": {"owner": {"type": "user", "user": OWNER}, "workspace_name": "Sample Workspace"}}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://api.notion.com/v1/oauth/authorize",
    authorize_params={"owner": "user"},
    token_endpoint="https://api.notion.com/v1/oauth/token",
    token_answer={"access_token": "secret_sampleaccess", "token_type": "bearer",
                  "bot_id": BOT["id"], "workspace_name": "Sample Workspace", "workspace_icon": None,
                  "workspace_id": "a1b2c3d4-0000-4000-8000-123456789abc", "owner": {"type": "user", "user": OWNER},
                  "duplicated_template_id": None},
    client_auth="client_secret_basic",
    api={"https://api.notion.com/v1/users/me": BOT},
    api_headers={"Notion-Version": "2022-06-28"},
    claims={"sub": OWNER["id"], "name": "Avery Sample", "email": "avery@example.com",
            "picture": OWNER["avatar_url"]},
)
