"""uvicorn's command line, as the CMD checks read it: which options take a value, and where its arguments start."""

import os

VALUE_OPTIONS = frozenset(
    {
        "--host", "--port", "--uds", "--fd", "--reload-dir", "--reload-include", "--reload-exclude", "--reload-delay",
        "--workers", "--loop", "--http", "--ws", "--ws-max-size", "--ws-max-queue", "--ws-ping-interval",
        "--ws-ping-timeout", "--ws-per-message-deflate", "--lifespan", "--interface", "--env-file", "--log-config",
        "--log-level", "--forwarded-allow-ips", "--root-path", "--limit-concurrency", "--backlog",
        "--limit-max-requests", "--timeout-keep-alive", "--timeout-graceful-shutdown", "--ssl-keyfile",
        "--ssl-certfile", "--ssl-keyfile-password", "--ssl-version", "--ssl-cert-reqs", "--ssl-ca-certs",
        "--ssl-ciphers", "--header", "--app-dir", "--h11-max-incomplete-event-size",
    }
)


def uvicorn_arguments(argv: tuple[str, ...]) -> tuple[str, ...] | None:
    """The arguments after `[poetry run] uvicorn` / `python -m uvicorn`, or None when argv does not run uvicorn."""
    if argv[:2] == ("poetry", "run"):
        argv = argv[2:]
    if argv and os.path.basename(argv[0]) == "uvicorn":
        return argv[1:]
    if argv and os.path.basename(argv[0]).startswith("python") and argv[1:3] == ("-m", "uvicorn"):
        return argv[3:]
    return None
