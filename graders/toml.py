"""TOML reading on every supported Python: the standard library's tomllib from 3.11, its backport tomli before."""

import sys

if sys.version_info >= (3, 11):
    from tomllib import TOMLDecodeError
    from tomllib import loads as toml_loads
else:  # pragma: no cover - exercised by the Python 3.10 CI job
    from tomli import TOMLDecodeError
    from tomli import loads as toml_loads

__all__ = ["TOMLDecodeError", "toml_loads"]
