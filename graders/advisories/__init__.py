"""Advisories (no points): hadolint findings on the Dockerfiles, dive figures of the built images."""
