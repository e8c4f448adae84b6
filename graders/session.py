"""Build and run one task's image for the dynamic checks, on a real engine: the runner's session factory.

`DockerSessions` is the factory the runner calls once per graded task; it owns what the whole run shares (the
engine, the run id and labels, the images built so far per submission). A `DockerSession` builds lazily and once
(the first check that needs the image triggers it: graders.image_build), starts at most one container for probing
(graders.probe_container), runs throwaway commands, and removes everything it created when it exits, also on
failure and on Ctrl-C. Student mode and batch mode differ only in their strategy (graders.session_modes).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from .batch import new_run_id
from .checks.session import DynamicSession
from .cleanup import remove_labelled
from .core import Blocked, HarnessError, Inconclusive
from .dockerfile import Dockerfile
from .engine import Engine
from .engine_errors import EngineUnavailable
from .exercise import TaskSpec
from .image_build import ImageBuilder
from .labels import RUN_LABEL, run_labels
from .probe_container import ProbeContainer
from .results import ImageInfo
from .run_settings import RunSettings
from .session_modes import SessionMode
from .session_types import ArchiveEntry, BuildResult, BuiltImage, ExecResult, ProbeResult
from .standins import Standins
from .submission import Submission

log = logging.getLogger(__name__)


class EngineLink:
    """The run's engine: the one given (never closed here), else connected on first use to `docker_host` (None:
    DOCKER_HOST); a failure to connect is remembered, one answer for the run."""

    def __init__(self, docker_host: str | None = None, *, engine: Engine | None = None) -> None:
        self.docker_host = docker_host
        self._engine = engine
        self._owned = engine is None
        self._problem: HarnessError | None = None
        self._lock = threading.RLock()  # close() may run in a signal handler of the thread holding it

    @property
    def connected(self) -> Engine | None:
        """The engine if connected (never connects)."""
        return self._engine

    def get(self) -> Engine:
        with self._lock:
            if self._engine is None:
                if self._problem is not None:
                    raise self._problem
                try:
                    self._engine = Engine.connect(self.docker_host)
                except HarnessError as problem:
                    self._problem = problem
                    raise
            return self._engine

    def close(self) -> None:
        """Close the engine this link connected (a later use connects again)."""
        with self._lock:
            if self._owned and self._engine is not None:
                self._engine.close()
                self._engine = None


class DockerSessions:
    """The runner's session factory: `sessions(submission, task, dockerfile_path, dockerfile)` -> DockerSession."""

    def __init__(self, mode: SessionMode, engine: EngineLink | None = None, settings: RunSettings = RunSettings(),
                 run_id: str | None = None) -> None:
        self.mode = mode
        self.link = engine or EngineLink()
        self.settings = settings
        self.run_id = run_id or new_run_id()
        self.labels = run_labels(self.run_id)  # graders.run, graders.pid, graders.host
        self._lock = threading.RLock()  # close() may run in a signal handler of the thread holding it
        self._standins: Standins | None = None
        self._built: dict[tuple[str, str], BuiltImage] = {}
        self._open: set[DockerSession] = set()

    def __call__(self, submission: Submission, task: TaskSpec, path: Path, dockerfile: Dockerfile) -> DockerSession:
        session = DockerSession(self, submission, task, Path(path), dockerfile)
        with self._lock:
            self._open.add(session)
        return session

    @property
    def engine(self) -> Engine:
        return self.link.get()

    @property
    def standins(self) -> Standins:
        """The engine's offline stand-ins, looked up once per engine connection."""
        engine = self.engine
        with self._lock:
            if self._standins is None or self._standins.engine is not engine:
                self._standins = Standins(engine)
            return self._standins

    def builder(self) -> ImageBuilder:
        return ImageBuilder(self.engine, self.standins, self.mode, self.settings, self.run_id, self.labels)

    def remember(self, submission: Submission, task: TaskSpec, image: BuiltImage) -> None:
        with self._lock:
            self._built[(submission.id, task.id)] = image

    def previous_image(self, submission: Submission, task_id: str) -> BuiltImage | None:
        """The task's image built in this run, else the one the mode finds (student mode: `make buildTask...`'s)."""
        with self._lock:
            built = self._built.get((submission.id, task_id))
        return built if built is not None else self.mode.earlier_image(self.engine, task_id)

    def forget(self, session: DockerSession) -> None:
        """A session closed: nothing of it is left to remove."""
        with self._lock:
            self._open.discard(session)

    def close(self) -> None:
        """Remove whatever the run left in the engine (containers, images, networks labelled with its run id)."""
        with self._lock:
            sessions = list(self._open)
        for session in sessions:
            session.close()
        engine = self.link.connected
        if engine is None:
            return
        try:
            removed = remove_labelled(engine, f"{RUN_LABEL}={self.run_id}")
            if removed:
                log.info("removed %d leftover object(s) of run %s", removed, self.run_id)
        except HarnessError as problem:
            log.warning("cleanup of run %s incomplete: %s", self.run_id, problem)
        self.link.close()

    def __enter__(self) -> DockerSessions:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class DockerSession(DynamicSession):
    """One task of one submission: its build, its probe container, its throwaway commands."""

    def __init__(self, owner: DockerSessions, submission: Submission, task: TaskSpec, path: Path,
                 dockerfile: Dockerfile) -> None:
        self.owner = owner
        self.submission = submission
        self.path = path  # the Dockerfile's file
        self.dockerfile = dockerfile  # its model, as the static checks read it
        self.image_info: ImageInfo | None = None
        self._task = task
        self._build: BuildResult | None = None
        self._build_problem: HarnessError | None = None
        self._container: ProbeContainer | None = None
        self._inspection: str | None = None  # a container never started, to read the image's files
        self._probes: dict[tuple[int, str, str], ProbeResult] = {}
        self._images_to_remove: list[str] = []

    def __enter__(self) -> DockerSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def task(self) -> TaskSpec:
        return self._task

    @property
    def registry(self) -> str | None:
        return self.owner.settings.push_registry

    @property
    def docker_config(self) -> str | None:
        return self.owner.settings.docker_config

    @property
    def run_timeout(self) -> float:
        return self.owner.settings.run_timeout

    @property
    def engine(self) -> Engine:
        return self.owner.engine

    def close(self) -> None:
        """Remove this session's containers (and, in batch mode, its image); safe to call twice."""
        engine = self.owner.link.connected
        try:
            if self._container is not None:
                self._container.close()
            if engine is not None:
                if self._inspection:
                    engine.remove_container(self._inspection)
                if not self.owner.settings.keep_images:
                    for image in self._images_to_remove:
                        engine.remove_image(image)
        finally:
            self._container = None
            self._inspection = None
            self._images_to_remove = []
            self.owner.forget(self)

    # -- building ----------------------------------------------------------------------------------------------

    def build(self) -> BuildResult:
        """Build the task's image, once; a machine problem (no engine, disk full) raises HarnessError."""
        if isinstance(self._build_problem, EngineUnavailable):  # one sentence, worth repeating on every check
            raise self._build_problem
        if self._build_problem is not None:  # a build log: told once, to the check that asked first (`builds`)
            kind = Inconclusive if isinstance(self._build_problem, Inconclusive) else HarnessError
            raise kind("blocked: the build ended in an error (see `builds`)") from self._build_problem
        if self._build is None:
            try:
                built = self.owner.builder().build(self.submission, self.task, self.path, self.dockerfile)
            except HarnessError as problem:
                self._build_problem = problem
                raise
            self._images_to_remove += built.leftovers
            self._build = built.result
            image = built.result.image
            if image is not None:
                self.image_info = ImageInfo(image.tag, image.id, image.size, image.layers, image.standin_base)
                self.owner.remember(self.submission, self.task, image)
        return self._build

    def image(self) -> BuiltImage:
        result = self.build()
        if not result.ok or result.image is None:
            raise Blocked("builds")
        return result.image

    # -- running -----------------------------------------------------------------------------------------------

    def container(self, port: int = 8000) -> str:
        """The probe container (started once, `port` published on 127.0.0.1 on a free port); its id."""
        return self._probe_container(port).id

    def _probe_container(self, port: int) -> ProbeContainer:
        image = self.image()
        if self._container is None:
            self._container = ProbeContainer(self.engine, image.id, labels=self.owner.labels,
                                             settings=self.owner.settings, port=port)
            self._container.start()
        return self._container

    def probe(self, port: int = 8000, path: str = "/", text: str = "Hello World") -> ProbeResult:
        """Start the container and poll GET `path` on the published `port` until it answers `text`."""
        key = (port, path, text)
        if key not in self._probes:
            self._probes[key] = self._probe_container(port).poll(port, path, text)
        return self._probes[key]

    def run_in_image(self, command: list[str], *, user: str | None = None, timeout: float = 30.0) -> ExecResult:
        """`command` as the image runs it: an exec in the probe container while it runs (cheap), else a
        throwaway container (no network, removed at once). `user`: as which user (default: the image's USER)."""
        image = self.image()
        if self._container is not None and self._container.running:
            return self._container.exec(command, user=user, timeout=timeout)
        return self.engine.run(image.id, command, labels=self.owner.labels, user=user, timeout=timeout,
                               limits=self.owner.settings.limits)

    def list_directory(self, path: str, limit: int = 20) -> list[ArchiveEntry] | None:
        """Entries of `path` in the image's file system (None when absent), read through the engine."""
        image = self.image()
        if self._container is not None:
            container = self._container.id
        else:
            if self._inspection is None:
                self._inspection = self.engine.create_container(image.id, labels=self.owner.labels,
                                                                limits=self.owner.settings.limits, network=False)
            container = self._inspection
        return self.engine.list_directory(container, path, limit)

    def previous_image(self, task_id: str) -> BuiltImage | None:
        return self.owner.previous_image(self.submission, task_id)
