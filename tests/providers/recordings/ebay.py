"""eBay user tokens, from its authorization-code grant, refresh-token and Identity API getUser pages."""

from tests.providers.recording import Recording

SCOPE = "https://api.ebay.com/oauth/api_scope https://api.ebay.com/oauth/api_scope/commerce.identity.readonly"
USER = {
    "userId": "nY8sAmpLe9x", "username": "sample_seller", "accountType": "INDIVIDUAL",
    "registrationMarketplaceId": "EBAY_US", "status": "CONFIRMED",
    "individualAccount": {"firstName": "Pat", "lastName": "Sampleton", "email": "pat@example.com",
                          "primaryPhone": {"countryCode": "1", "number": "5550100"}},
}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://auth.ebay.com/oauth2/authorize",
    authorize_params={"scope": SCOPE},
    token_endpoint="https://api.ebay.com/identity/v1/oauth2/token",
    token_answer={"access_token": "v^1.1#i^1#sample-access", "expires_in": 7200,
                  "refresh_token": "v^1.1#i^1#sample-refresh", "refresh_token_expires_in": 47304000,
                  "token_type": "User Access Token"},
    api={"https://apiz.ebay.com/commerce/identity/v1/user/": USER},
    api_headers={"Authorization": "Bearer v^1.1#i^1#sample-access"},
    claims={"sub": "nY8sAmpLe9x", "preferred_username": "sample_seller", "name": "Pat Sampleton",
            "given_name": "Pat", "family_name": "Sampleton", "email": "pat@example.com"},
    refresh_answer={"access_token": "v^1.1#i^1#sample-refreshed", "expires_in": 7200,
                    "token_type": "User Access Token"},
)
