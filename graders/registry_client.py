"""Ask a registry (HTTP API v2) which image a tag holds: the config digest of its manifest.

The image config digest is what `docker images --no-trunc` shows as the image id, so comparing it with the
local build tells whether the student pushed the image they built. Credentials come from the Docker config, as
`docker login` and `gcloud auth configure-docker` leave them: `credHelpers`, `credsStore` (both through the
`docker-credential-<helper> get` protocol) and `auths`. Registries on 127.0.0.1/localhost are spoken to over
plain http, as Docker does for loopback registries; every other one over https.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

import requests

from .core import HarnessError

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
HELPER_TIMEOUT = 30.0  # docker-credential-gcloud may refresh a token first
MAX_MANIFEST_BYTES = 4 * 1024 * 1024

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
_LISTS = (DOCKER_LIST, OCI_INDEX)
ACCEPT = ", ".join((DOCKER_MANIFEST, OCI_MANIFEST, DOCKER_LIST, OCI_INDEX))
_ABSENT = {"MANIFEST_UNKNOWN", "NAME_UNKNOWN"}
PLATFORM = ("linux", "amd64")
_DOCKER_HUB = "registry-1.docker.io"
_DOCKER_HUB_KEY = "https://index.docker.io/v1/"

_NAME = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")

PathLike = Union[str, "os.PathLike[str]"]


@dataclass(frozen=True)
class Reference:
    host: str  # as written: HOST[:PORT], the key of the Docker config
    name: str  # the repository path: PROJECT/REPOSITORY/IMAGE
    tag: str  # a tag, or a digest (sha256:...)

    @property
    def api_host(self) -> str:
        return _DOCKER_HUB if self.host in ("docker.io", "index.docker.io") else self.host

    @property
    def scheme(self) -> str:
        return "http" if _is_loopback(self.host) else "https"

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.api_host}"


def parse_reference(reference: str) -> Reference:
    """`HOST[:PORT]/PATH/IMAGE[:TAG|@DIGEST]`; without a registry host, Docker Hub (as the docker CLI reads it)."""
    rest, _, digest = reference.partition("@")
    first, slash, remainder = rest.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        host, path = first, remainder
    else:
        host, path = "docker.io", rest
    name, colon, tag = path.rpartition(":") if ":" in path.rsplit("/", 1)[-1] else (path, "", "")
    if host == "docker.io" and "/" not in name:
        name = f"library/{name}"
    tag = digest or (tag if colon else "latest")
    if not _NAME.fullmatch(name) or not (_TAG.fullmatch(tag) or _DIGEST.fullmatch(tag)):
        raise HarnessError(f"`{reference}` is not an image reference HOST/PROJECT/REPOSITORY/IMAGE:TAG; "
                           "check --registry")
    return Reference(host, name, tag)


def remote_config_digest(reference: str, docker_config: PathLike | None = None) -> str | None:
    """The config digest (`sha256:...`) of the image `reference` names in its registry, None when the tag or the
    repository does not exist there.

    A manifest list / OCI index resolves to its linux/amd64 image. `docker_config`: the Docker config folder
    (or its config.json); default $DOCKER_CONFIG, else ~/.docker. Raises HarnessError when the registry does
    not answer, refuses the credentials, or answers something that is not a manifest.
    """
    ref = parse_reference(reference)
    with _Client(ref, docker_config) as client:
        manifest = client.manifest(ref.tag)
        if manifest is None:
            return None
        if _media_type(manifest) in _LISTS or "manifests" in manifest:
            entry = _platform_entry(manifest, ref)
            manifest = client.manifest(entry["digest"])
            if manifest is None:
                return None
        config = manifest.get("config")
        digest = config.get("digest") if isinstance(config, dict) else None
        if not isinstance(digest, str) or not digest.startswith("sha256:"):
            raise HarnessError(f"registry {ref.host} answered for {reference} a manifest without an image config "
                               f"(media type {_media_type(manifest) or 'unknown'}; schema 1?): push it again "
                               "with a current docker")
        return digest


class _Client:
    def __init__(self, ref: Reference, docker_config: PathLike | None) -> None:
        self.ref = ref
        self.docker_config = docker_config
        self.session = requests.Session()
        if _is_loopback(ref.host):
            self.session.trust_env = False  # an HTTP(S)_PROXY of the environment must not swallow 127.0.0.1
        self.authorization: str | None = None
        self._credentials: tuple[str, str] | None | bool = False  # False: not looked up yet

    def __enter__(self) -> _Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.session.close()

    @property
    def credentials(self) -> tuple[str, str] | None:
        if self._credentials is False:
            self._credentials = credentials_for(self.ref.host, self.docker_config)
        return self._credentials  # type: ignore[return-value]

    def manifest(self, tag_or_digest: str) -> dict[str, Any] | None:
        url = f"{self.ref.base_url}/v2/{self.ref.name}/manifests/{tag_or_digest}"
        response = self._get(url)
        if response.status_code == 401:
            self.authorization = self._authorize(response)
            response = self._get(url)
        if response.status_code == 200:
            return self._json(response, url)
        errors = _errors(response)
        if response.status_code == 404 or {code for code, _ in errors} & _ABSENT:
            return None
        if response.status_code in (401, 403):
            raise self._refused(f"{response.status_code} {_describe(errors, response)}")
        raise HarnessError(f"registry {self.ref.host} answered {response.status_code} for {self.ref.name}:"
                           f"{tag_or_digest} ({_describe(errors, response)}); check --registry")

    def _refused(self, detail: str) -> HarnessError:
        who = f"user {self.credentials[0]!r} of the Docker config" if self.credentials else "anonymous access"
        login = f"`docker login {self.ref.host}`"
        if self.ref.host.endswith(("pkg.dev", "gcr.io")):
            login = f"`gcloud auth configure-docker {self.ref.host}`"
        return HarnessError(f"registry {self.ref.host} refused {who} for {self.ref.name} ({detail}): run {login}")

    def _get(self, url: str, **kwargs: Any) -> requests.Response:
        headers = {"Accept": ACCEPT}
        if self.authorization:
            headers["Authorization"] = self.authorization
        return self._request("GET", url, self.ref.host, headers=headers, **kwargs)

    def _request(self, method: str, url: str, what: str, **kwargs: Any) -> requests.Response:
        try:
            return self.session.request(method, url, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT), stream=True,
                                        **kwargs)
        except requests.exceptions.RequestException as problem:
            raise HarnessError(f"registry {what} did not answer: {_short(problem)}; check --registry") from None

    def _json(self, response: requests.Response, url: str) -> dict[str, Any]:
        body = response.raw.read(MAX_MANIFEST_BYTES + 1, decode_content=True)
        try:
            data = json.loads(body) if len(body) <= MAX_MANIFEST_BYTES else None
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise HarnessError(f"registry {self.ref.host} answered {url} with something that is not a manifest; "
                               "check --registry")
        data.setdefault("mediaType", response.headers.get("Content-Type", "").split(";")[0].strip())
        return data

    def _authorize(self, response: requests.Response) -> str:
        scheme, parameters = parse_challenge(response.headers.get("WWW-Authenticate", ""))
        credentials = self.credentials
        if scheme == "basic":
            if credentials is None:
                raise HarnessError(f"registry {self.ref.host} asks for a password and the Docker config has none "
                                   f"for it: run `docker login {self.ref.host}`")
            return _basic(*credentials)
        if scheme != "bearer" or "realm" not in parameters:
            raise HarnessError(f"registry {self.ref.host} asks for an authentication this harness does not speak "
                               f"({response.headers.get('WWW-Authenticate', 'no WWW-Authenticate header')!r})")
        return f"Bearer {self._token(parameters, credentials)}"

    def _token(self, challenge: dict[str, str], credentials: tuple[str, str] | None) -> str:
        realm = challenge["realm"]
        scope = challenge.get("scope") or f"repository:{self.ref.name}:pull"
        query = {"scope": scope}
        if challenge.get("service"):
            query["service"] = challenge["service"]
        if credentials and credentials[0] == "<token>":  # an identity token: OAuth2 refresh-token grant
            form = {**query, "grant_type": "refresh_token", "refresh_token": credentials[1], "client_id": "graders"}
            response = self._request("POST", realm, f"token service {realm}", data=form)
        else:
            headers = {"Authorization": _basic(*credentials)} if credentials else {}
            response = self._request("GET", realm, f"token service {realm}", params=query, headers=headers)
        if response.status_code != 200:
            raise self._refused(f"its token service answered {response.status_code} "
                                f"{_describe(_errors(response), response)}")
        try:
            data = response.json()
        except ValueError:
            data = {}
        token = (data.get("token") or data.get("access_token")) if isinstance(data, dict) else None
        if not token:
            raise HarnessError(f"token service {realm} of registry {self.ref.host} answered without a token")
        return str(token)


def parse_challenge(header: str) -> tuple[str, dict[str, str]]:
    """`Bearer realm="...",service="...",scope="repository:a/b:pull,push"` -> ("bearer", {...})."""
    scheme, _, rest = header.strip().partition(" ")
    parameters = {
        key.lower(): quoted if quoted or not bare else bare
        for key, quoted, bare in re.findall(r'([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))', rest)
    }
    return scheme.lower(), parameters


def credentials_for(host: str, docker_config: PathLike | None = None) -> tuple[str, str] | None:
    """(user, password) for `host` from the Docker config, as the docker CLI finds them; None when it has none.

    An identity token comes back as ("<token>", TOKEN), the docker convention.
    """
    config, where = _load_config(docker_config)
    keys = [_DOCKER_HUB_KEY, "docker.io", "index.docker.io"] if host in ("docker.io", "index.docker.io") else [host]
    helpers = config.get("credHelpers") or {}
    for key in keys:
        if isinstance(helpers, dict) and helpers.get(key):
            return _from_helper(helpers[key], keys[0], where)
    if config.get("credsStore"):
        found = _from_helper(config["credsStore"], keys[0], where)
        if found:
            return found
    auths = config.get("auths") or {}
    for key, entry in (auths.items() if isinstance(auths, dict) else ()):
        if _host_of_key(key) in keys or key in keys:
            found = _from_entry(entry, key, where)
            if found:
                return found
    return None


def _load_config(docker_config: PathLike | None) -> tuple[dict[str, Any], Path]:
    if docker_config is not None:
        path = Path(docker_config)
        path = path if path.suffix == ".json" or path.is_file() else path / "config.json"
    else:
        folder = os.environ.get("DOCKER_CONFIG")
        path = Path(folder) / "config.json" if folder else Path.home() / ".docker" / "config.json"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, path
    except OSError as problem:
        raise HarnessError(f"the Docker config {path} cannot be read: {problem.strerror}") from None
    try:
        config = json.loads(text)
    except ValueError as problem:
        raise HarnessError(f"the Docker config {path} is not valid JSON ({problem})") from None
    return (config if isinstance(config, dict) else {}), path


def _host_of_key(key: str) -> str:
    """`https://europe-west1-docker.pkg.dev/v1/` -> `europe-west1-docker.pkg.dev`."""
    return re.sub(r"^[a-z]+://", "", key).split("/", 1)[0]


def _from_entry(entry: Any, key: str, where: Path) -> tuple[str, str] | None:
    if not isinstance(entry, dict):
        return None
    if entry.get("identitytoken"):
        return "<token>", entry["identitytoken"]
    if entry.get("auth"):
        try:
            user, colon, password = base64.b64decode(entry["auth"]).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            colon = ""
        if not colon:
            raise HarnessError(f"the Docker config {where} holds a malformed `auth` for {key}: run "
                               f"`docker login {_host_of_key(key)}` again")
        return user, password
    if entry.get("username") and entry.get("password"):
        return entry["username"], entry["password"]
    return None


def _from_helper(helper: str, server: str, where: Path) -> tuple[str, str] | None:
    program = shutil.which(f"docker-credential-{helper}")
    if program is None:
        raise HarnessError(f"the Docker config {where} names the credential helper `{helper}` for {server}, and "
                           f"docker-credential-{helper} is not on PATH: install it (for gcloud: the Google "
                           "Cloud SDK) or remove it from the config")
    try:
        completed = subprocess.run([program, "get"], input=server.encode(), capture_output=True,
                                   timeout=HELPER_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise HarnessError(f"docker-credential-{helper} gave no answer for {server} within "
                           f"{HELPER_TIMEOUT:.0f} s") from None
    except OSError as problem:
        raise HarnessError(f"docker-credential-{helper} could not be started: {problem}") from None
    said = (completed.stdout or completed.stderr).decode("utf-8", "replace").strip()
    if completed.returncode != 0:
        if "credentials not found" in said.lower():
            return None
        first = said.splitlines()[0] if said else f"exit status {completed.returncode}"
        raise HarnessError(f"docker-credential-{helper} failed for {server}: {first}")
    try:
        data = json.loads(completed.stdout)
        user, secret = data.get("Username", ""), data["Secret"]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise HarnessError(f"docker-credential-{helper} answered something else than credentials "
                           f"for {server}") from None
    return (user, secret) if secret else None


def _platform_entry(index: dict[str, Any], ref: Reference) -> dict[str, Any]:
    """The linux/amd64 manifest of a list; else the first real image of it (not a buildx attestation)."""
    entries = [entry for entry in index.get("manifests") or [] if isinstance(entry, dict) and entry.get("digest")]
    images = [entry for entry in entries if (entry.get("platform") or {}).get("os") != "unknown"]
    for entry in images:
        platform = entry.get("platform") or {}
        if (platform.get("os"), platform.get("architecture")) == PLATFORM:
            return entry
    if not images:
        raise HarnessError(f"registry {ref.host} answered for {ref.name}:{ref.tag} an empty manifest list")
    log.warning("%s:%s has no linux/amd64 image; comparing its %s image", ref.name, ref.tag,
                "/".join(filter(None, ((images[0].get("platform") or {}).get(k) for k in ("os", "architecture")))))
    return images[0]


def _media_type(manifest: dict[str, Any]) -> str:
    return str(manifest.get("mediaType") or "")


def _errors(response: requests.Response) -> list[tuple[str, str]]:
    """The (code, message) pairs of a registry's error body ({"errors": [{"code": ..., "message": ...}]})."""
    try:
        body = json.loads(response.raw.read(65536, decode_content=True) or b"{}")
        errors = body.get("errors") or []
    except (ValueError, AttributeError, requests.exceptions.RequestException, OSError):
        return []
    return [(str(e.get("code", "")), str(e.get("message", ""))) for e in errors if isinstance(e, dict)]


def _describe(errors: list[tuple[str, str]], response: requests.Response) -> str:
    return "; ".join(f"{code}: {message}".strip(": ") for code, message in errors) or response.reason or "no detail"


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _is_loopback(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 or host.startswith("[") else host
    name = name.strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _short(problem: Exception) -> str:
    """requests' connection errors nest three exceptions deep; the innermost reason is what a reader needs."""
    text = str(problem)
    found = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", text) or re.search(r"(timed out[^'\")]*)", text, re.I)
    return found.group(1).strip() if found else text[:200]
