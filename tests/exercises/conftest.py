"""The exercises' Docker tests share tests/dynamic's engine fixture and its check that nothing is left behind."""

from tests.dynamic.conftest import engine, nothing_left_behind  # noqa: F401  (shared fixtures)
