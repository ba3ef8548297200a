"""The recordings fixtures (vault on filesystem and S3, an app, a cast of users) for the checks of
recordings that arrive through intake."""

from tests.recordings.conftest import api, people, vault_settings

__all__ = ["api", "people", "vault_settings"]
