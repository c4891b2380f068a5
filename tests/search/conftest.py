from tests.directory.conftest import housing, network  # noqa: F401  (shared fixtures)
