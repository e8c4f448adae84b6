"""The registry client against a real registry (Debian's docker-registry, on 127.0.0.1) and a fake one (auth flows).

No traffic leaves the loopback interface: the real registry and the fake one listen on 127.0.0.1, and the only
non-loopback references below are parsed, never contacted.
"""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import socket
import subprocess
import tarfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from graders import registry_client
from graders.core import HarnessError
from graders.registry_client import ACCEPT, credentials_for, parse_reference, remote_config_digest

CONFIG_DIGEST = "sha256:" + "c" * 64
OTHER_DIGEST = "sha256:" + "d" * 64


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_docker_config(folder: Path, config: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(config))
    return folder


def basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


# --- (a) a real registry -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """Debian's docker-registry on 127.0.0.1 at a free port, storing into a temporary folder: its HOST:PORT."""
    program = shutil.which("docker-registry")
    if program is None:
        pytest.skip("real-registry tests skipped: Debian's `docker-registry` is not installed "
                    "(apt-get install docker-registry)")
    folder = tmp_path_factory.mktemp("registry")
    port = free_port()
    (folder / "config.yml").write_text(
        "version: 0.1\nlog:\n  level: warn\n"
        f"storage:\n  filesystem:\n    rootdirectory: {folder / 'data'}\n  delete:\n    enabled: true\n"
        f"http:\n  addr: 127.0.0.1:{port}\n"
    )
    log = open(folder / "registry.log", "wb")
    process = subprocess.Popen([program, "serve", str(folder / "config.yml")], stdout=log, stderr=subprocess.STDOUT)
    host = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                pytest.fail(f"docker-registry exited ({process.returncode}): {(folder / 'registry.log').read_text()}")
            try:
                if requests.get(f"http://{host}/v2/", timeout=1).status_code == 200:
                    break
            except requests.exceptions.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"docker-registry did not answer on {host} within 15 s")
            time.sleep(0.1)
        yield host
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def docker_client():
    from graders.engine import Engine

    try:
        engine = Engine.connect()
    except HarnessError as problem:
        pytest.skip(f"real-registry tests skipped: {problem}")
    yield engine.client
    engine.close()


def _build_scratch(client, tag: str, content: bytes) -> str:
    """A one-file FROM-scratch image (Docker Hub is out of reach): its id."""
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as archive:
        for name, body in {"Dockerfile": b"FROM scratch\nCOPY hello /hello\n", "hello": content}.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
    data.seek(0)
    image, _ = client.images.build(fileobj=data, custom_context=True, tag=tag, rm=True, forcerm=True)
    return image.id


def _push(client, repository: str, tag: str) -> None:
    for line in client.images.push(repository, tag=tag, stream=True, decode=True):
        if "error" in line:
            pytest.fail(f"docker push {repository}:{tag} failed: {line['error']}")


@pytest.fixture(scope="module")
def pushed(docker_client, registry):
    """Two tiny images pushed to the real registry: {tag: local image id} under one repository."""
    repository = f"{registry}/proj/repo/tiny-{uuid.uuid4().hex[:8]}"
    ids = {}
    try:
        for tag, content in (("dev", b"hello graders\n"), ("other", b"another image\n")):
            ids[tag] = _build_scratch(docker_client, f"{repository}:{tag}", content)
            _push(docker_client, repository, tag)
        yield repository, ids
    finally:
        for tag in ids:
            docker_client.images.remove(f"{repository}:{tag}", force=True)


@pytest.mark.docker
def test_real_registry_digest_equals_the_local_image_id(pushed, tmp_path):
    repository, ids = pushed
    assert remote_config_digest(f"{repository}:dev", docker_config=tmp_path) == ids["dev"]
    assert remote_config_digest(f"{repository}:other", docker_config=tmp_path) == ids["other"]


@pytest.mark.docker
def test_real_registry_missing_tag_is_none(pushed, tmp_path):
    repository, _ = pushed
    assert remote_config_digest(f"{repository}:no-such-tag", docker_config=tmp_path) is None


@pytest.mark.docker
def test_real_registry_missing_repository_is_none(pushed, registry, tmp_path):
    assert remote_config_digest(f"{registry}/proj/repo/never-pushed:dev", docker_config=tmp_path) is None


@pytest.mark.docker
def test_real_registry_manifest_list_resolves_to_linux_amd64(pushed, tmp_path):
    """An index whose first entries are arm64 and a buildx attestation: the amd64 entry is the one compared."""
    repository, ids = pushed
    host, name = repository.split("/", 1)

    def manifest_of(tag: str) -> dict:
        response = requests.get(f"http://{host}/v2/{name}/manifests/{tag}", timeout=5,
                                headers={"Accept": registry_client.DOCKER_MANIFEST})
        return {"mediaType": registry_client.DOCKER_MANIFEST, "digest": response.headers["Docker-Content-Digest"],
                "size": len(response.content)}

    amd64, other = manifest_of("dev"), manifest_of("other")
    index = {
        "schemaVersion": 2, "mediaType": registry_client.DOCKER_LIST,
        "manifests": [
            {**other, "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}},
            {**other, "platform": {"os": "unknown", "architecture": "unknown"}},
            {**amd64, "platform": {"os": "linux", "architecture": "amd64"}},
        ],
    }
    response = requests.put(f"http://{host}/v2/{name}/manifests/multi", data=json.dumps(index), timeout=5,
                            headers={"Content-Type": registry_client.DOCKER_LIST})
    assert response.status_code == 201, response.text
    assert remote_config_digest(f"{repository}:multi", docker_config=tmp_path) == ids["dev"]


# --- (b) a fake registry: authentication flows ---------------------------------------------------------------


class FakeRegistry:
    """A registry on 127.0.0.1 that speaks just enough of the v2 API; `requests` records what it was asked."""

    def __init__(self, auth: str = "bearer", user: str = "alice", password: str = "s3cret",
                 token_field: str = "token", anonymous_tokens: bool = False) -> None:
        self.auth = auth
        self.user, self.password = user, password
        self.token_field = token_field
        self.anonymous_tokens = anonymous_tokens
        self.requests: list[dict] = []
        self.manifests: dict[tuple[str, str], tuple[str, dict]] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake.handle(self)

            def do_POST(self):
                fake.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self) -> FakeRegistry:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add(self, name: str, reference: str, media_type: str, body: dict) -> None:
        self.manifests[(name, reference)] = (media_type, body)

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        url = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        form = parse_qs(request.rfile.read(length).decode()) if length else {}
        self.requests.append({"method": request.command, "path": url.path, "query": parse_qs(url.query),
                              "form": form, "headers": dict(request.headers)})
        authorization = request.headers.get("Authorization", "")
        if url.path == "/token":
            good = authorization == f"Basic {basic(self.user, self.password)}"
            refresh = form.get("refresh_token") == ["identity-xyz"] and form.get("grant_type") == ["refresh_token"]
            if good or refresh or (self.anonymous_tokens and not authorization):
                return self.reply(request, 200, {self.token_field: "good-token", "expires_in": 300})
            return self.reply(request, 401, {"errors": [{"code": "UNAUTHORIZED", "message": "bad credentials"}]})
        expected = "Bearer good-token" if self.auth == "bearer" else f"Basic {basic(self.user, self.password)}"
        if self.auth != "none" and authorization != expected:
            if self.auth == "bearer":
                name = url.path.split("/manifests/")[0].removeprefix("/v2/")
                challenge = (f'Bearer realm="http://{self.host}/token",service="fake-registry",'
                             f'scope="repository:{name}:pull"')
            else:
                challenge = 'Basic realm="fake"'
            body = {"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]}
            return self.reply(request, 401, body, {"WWW-Authenticate": challenge})
        name, _, reference = url.path.removeprefix("/v2/").partition("/manifests/")
        if (name, reference) in self.manifests:
            media_type, body = self.manifests[(name, reference)]
            return self.reply(request, 200, body, {"Content-Type": media_type})
        if any(known == name for known, _ in self.manifests):
            return self.reply(request, 404, {"errors": [{"code": "MANIFEST_UNKNOWN", "message": "manifest unknown"}]})
        return self.reply(request, 404, {"errors": [{"code": "NAME_UNKNOWN", "message": "repository name not known"}]})

    @staticmethod
    def reply(request: BaseHTTPRequestHandler, status: int, body: dict, headers: dict | None = None) -> None:
        data = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", (headers or {}).pop("Content-Type", "application/json"))
        for key, value in (headers or {}).items():
            request.send_header(key, value)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)


def image_manifest(config_digest: str = CONFIG_DIGEST, media_type: str = registry_client.DOCKER_MANIFEST) -> dict:
    config_type = ("application/vnd.oci.image.config.v1+json" if media_type == registry_client.OCI_MANIFEST
                   else "application/vnd.docker.container.image.v1+json")
    return {"schemaVersion": 2, "mediaType": media_type,
            "config": {"mediaType": config_type, "size": 100, "digest": config_digest}, "layers": []}


NAME = "proj/repo/base-image-fastapi"


@pytest.fixture
def fake():
    with FakeRegistry() as server:
        server.add(NAME, "dev", registry_client.DOCKER_MANIFEST, image_manifest())
        yield server


@pytest.fixture
def logged_in(fake, tmp_path):
    """A Docker config as `docker login` leaves it, for the fake registry."""
    return write_docker_config(tmp_path / "docker", {"auths": {fake.host: {"auth": basic("alice", "s3cret")}}})


def test_bearer_challenge_token_then_manifest(fake, logged_in):
    assert remote_config_digest(f"{fake.host}/{NAME}:dev", docker_config=logged_in) == CONFIG_DIGEST
    first, token, manifest = fake.requests
    assert first["path"] == f"/v2/{NAME}/manifests/dev" and "Authorization" not in first["headers"]
    assert token["path"] == "/token"
    assert token["query"] == {"service": ["fake-registry"], "scope": [f"repository:{NAME}:pull"]}
    assert token["headers"]["Authorization"] == f"Basic {basic('alice', 's3cret')}"
    assert manifest["headers"]["Authorization"] == "Bearer good-token"
    assert manifest["headers"]["Accept"] == ACCEPT
    for media_type in (registry_client.DOCKER_MANIFEST, registry_client.OCI_MANIFEST, registry_client.DOCKER_LIST,
                       registry_client.OCI_INDEX):
        assert media_type in manifest["headers"]["Accept"]


def test_access_token_field_is_read_too(logged_in):
    with FakeRegistry(token_field="access_token") as server:
        server.add(NAME, "dev", registry_client.DOCKER_MANIFEST, image_manifest())
        auths = {"auths": {server.host: {"auth": basic("alice", "s3cret")}}}
        config = write_docker_config(logged_in.parent / "other", auths)
        assert remote_config_digest(f"{server.host}/{NAME}:dev", docker_config=config) == CONFIG_DIGEST


def test_basic_challenge(tmp_path):
    with FakeRegistry(auth="basic") as server:
        server.add(NAME, "dev", registry_client.DOCKER_MANIFEST, image_manifest())
        auths = {"auths": {f"http://{server.host}": {"auth": basic("alice", "s3cret")}}}  # a key with a scheme
        config = write_docker_config(tmp_path, auths)
        assert remote_config_digest(f"{server.host}/{NAME}:dev", docker_config=config) == CONFIG_DIGEST
        assert [r["path"] for r in server.requests] == [f"/v2/{NAME}/manifests/dev"] * 2
        assert server.requests[1]["headers"]["Authorization"] == f"Basic {basic('alice', 's3cret')}"


def test_basic_challenge_without_credentials_says_docker_login(tmp_path):
    with FakeRegistry(auth="basic") as server:
        with pytest.raises(HarnessError, match=rf"asks for a password .* run `docker login {server.host}`"):
            remote_config_digest(f"{server.host}/{NAME}:dev", docker_config=tmp_path)


def test_anonymous_bearer_token(tmp_path):
    with FakeRegistry(anonymous_tokens=True) as server:
        server.add(NAME, "dev", registry_client.DOCKER_MANIFEST, image_manifest())
        assert remote_config_digest(f"{server.host}/{NAME}:dev", docker_config=tmp_path) == CONFIG_DIGEST
        assert "Authorization" not in server.requests[1]["headers"]


def test_wrong_password_is_a_harness_error_naming_the_user(fake, tmp_path):
    config = write_docker_config(tmp_path, {"auths": {fake.host: {"auth": basic("alice", "wrong")}}})
    with pytest.raises(HarnessError, match=rf"registry {fake.host} refused user 'alice' .*401.*docker login"):
        remote_config_digest(f"{fake.host}/{NAME}:dev", docker_config=config)


def test_missing_tag_and_missing_repository_are_none(fake, logged_in):
    assert remote_config_digest(f"{fake.host}/{NAME}:nope", docker_config=logged_in) is None
    assert remote_config_digest(f"{fake.host}/proj/repo/unknown:dev", docker_config=logged_in) is None


def test_oci_index_picks_linux_amd64(fake, logged_in):
    amd64, arm64 = "sha256:" + "1" * 64, "sha256:" + "2" * 64
    fake.add(NAME, amd64, registry_client.OCI_MANIFEST, image_manifest(CONFIG_DIGEST, registry_client.OCI_MANIFEST))
    fake.add(NAME, arm64, registry_client.OCI_MANIFEST, image_manifest(OTHER_DIGEST, registry_client.OCI_MANIFEST))
    entries = [{"mediaType": registry_client.OCI_MANIFEST, "digest": digest, "size": 1,
                "platform": {"os": "linux", "architecture": architecture}}
               for digest, architecture in ((arm64, "arm64"), (amd64, "amd64"))]
    index = {"schemaVersion": 2, "mediaType": registry_client.OCI_INDEX, "manifests": entries}
    fake.add(NAME, "multi", registry_client.OCI_INDEX, index)
    assert remote_config_digest(f"{fake.host}/{NAME}:multi", docker_config=logged_in) == CONFIG_DIGEST
    assert fake.requests[-1]["path"] == f"/v2/{NAME}/manifests/{amd64}"


def test_credential_helper_protocol(fake, tmp_path, monkeypatch):
    """`gcloud auth configure-docker` leaves {"credHelpers": {HOST: "gcloud"}}; the helper reads HOST on stdin."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    helper = bin_dir / "docker-credential-fakecloud"
    helper.write_text(
        "#!/bin/sh\n"
        '[ "$1" = get ] || exit 2\n'
        "read server\n"
        f'[ "$server" = "{fake.host}" ] || {{ echo "credentials not found in native keychain"; exit 1; }}\n'
        'echo \'{"ServerURL": "\'$server\'", "Username": "alice", "Secret": "s3cret"}\'\n'
    )
    helper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    config = write_docker_config(tmp_path / "docker",
                                 {"auths": {fake.host: {}}, "credHelpers": {fake.host: "fakecloud"}})
    assert remote_config_digest(f"{fake.host}/{NAME}:dev", docker_config=config) == CONFIG_DIGEST
    store = write_docker_config(tmp_path / "store", {"auths": {fake.host: {}}, "credsStore": "fakecloud"})
    assert credentials_for(fake.host, store) == ("alice", "s3cret")
    assert credentials_for("elsewhere.example:5000", store) is None  # "credentials not found": anonymous


def test_missing_credential_helper_is_a_harness_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    config = write_docker_config(tmp_path / "docker", {"credHelpers": {"europe-west1-docker.pkg.dev": "gcloud"}})
    with pytest.raises(HarnessError, match=r"docker-credential-gcloud is not on PATH"):
        credentials_for("europe-west1-docker.pkg.dev", config)


def test_identity_token_uses_the_refresh_token_grant(fake, tmp_path):
    config = write_docker_config(tmp_path, {"auths": {fake.host: {"auth": "", "identitytoken": "identity-xyz"}}})
    assert remote_config_digest(f"{fake.host}/{NAME}:dev", docker_config=config) == CONFIG_DIGEST
    token = fake.requests[1]
    assert token["method"] == "POST" and token["form"]["grant_type"] == ["refresh_token"]


def test_docker_config_environment_variable(fake, logged_in, monkeypatch):
    monkeypatch.setenv("DOCKER_CONFIG", str(logged_in))
    assert remote_config_digest(f"{fake.host}/{NAME}:dev") == CONFIG_DIGEST


def test_config_json_path_is_accepted_too(fake, logged_in):
    assert remote_config_digest(f"{fake.host}/{NAME}:dev", docker_config=logged_in / "config.json") == CONFIG_DIGEST


def test_malformed_docker_config_is_a_harness_error(tmp_path):
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(HarnessError, match="is not valid JSON"):
        credentials_for("127.0.0.1:5000", tmp_path)


def test_proxy_variables_do_not_capture_loopback(fake, logged_in, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    assert remote_config_digest(f"{fake.host}/{NAME}:dev", docker_config=logged_in) == CONFIG_DIGEST


# --- (c) no registry; references -----------------------------------------------------------------------------


def test_dead_port_is_a_quick_harness_error(tmp_path):
    host = f"127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(HarnessError, match=rf"^registry {host} did not answer: .*; check --registry$"):
        remote_config_digest(f"{host}/proj/repo/img:dev", docker_config=tmp_path)
    assert time.monotonic() - started < 3


@pytest.mark.parametrize(
    ("reference", "url", "name", "tag"),
    [
        ("127.0.0.1:5000/proj/repo/base-image-fastapi:dev", "http://127.0.0.1:5000", "proj/repo/base-image-fastapi",
         "dev"),
        ("localhost:5000/p/r/img", "http://localhost:5000", "p/r/img", "latest"),
        ("europe-west1-docker.pkg.dev/p/r/img:tag", "https://europe-west1-docker.pkg.dev", "p/r/img", "tag"),
        ("ubuntu:20.04", "https://registry-1.docker.io", "library/ubuntu", "20.04"),
        ("h.example/p/img@sha256:" + "a" * 64, "https://h.example", "p/img", "sha256:" + "a" * 64),
    ],
    ids=["loopback-http", "localhost-no-tag", "artifact-registry-https", "docker-hub", "digest"],
)
def test_parse_reference(reference, url, name, tag):
    parsed = parse_reference(reference)
    assert (parsed.base_url, parsed.name, parsed.tag) == (url, name, tag)


@pytest.mark.parametrize(
    "reference", ["h.example/Proj/img:dev", "h.example/p/img:", "h.example/p/img:a?b", "h.example/p/../img:x"]
)
def test_bad_references_say_check_registry(reference):
    with pytest.raises(HarnessError, match="check --registry"):
        parse_reference(reference)
