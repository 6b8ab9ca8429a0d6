"""Helpers the tests share: servers, doubles, media makers and the test environment."""
