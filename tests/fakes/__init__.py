"""In-process fake providers for the tests: one design on requests-mock, shared by the OpenID and OAuth 1.0a fakes."""
