"""The testing kit is used as a user would: from plain test files run by pytest's ``pytester``."""

pytest_plugins = ["pytester"]
