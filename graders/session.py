"""Build and run one task's image for the dynamic checks: the runner's session protocol, on a real engine.

`DockerSessions` is the factory the runner calls once per graded task; it owns what the whole run shares (the
engine connection, the run id and labels, the sizes of the images built so far per submission). A
`DockerSession` builds lazily and once (the first check that needs the image triggers it), starts at most one
container for probing, runs throwaway commands, and removes everything it created when it exits, also on
failure and on Ctrl-C.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .batch import new_run_id
from .build_context import BuildContext, ContextError, batch_context, student_context
from .build_policy import Refusal, refusal
from .buildkit import buildkit_features, classic_builder_message
from .cleanup import HOST_LABEL, PID_LABEL, RUN_LABEL, run_labels  # noqa: F401  (the labels of a run)
from .core import Blocked, HarnessError, Inconclusive
from .dockerfile import Dockerfile, parse
from .dockerfile.shell import expand
from .engine import (
    ArchiveEntry,
    ContainerStartFailed,
    Engine,
    EngineUnavailable,
    ExecResult,
)
from .exercise import Exercise, TaskSpec, load_exercise
from .guards import ContainerGuard
from .limits import Limits, format_size
from .probe import ProbeOutcome, probe
from .results import ImageInfo
from .submission import Submission, read_text_file

log = logging.getLogger(__name__)

STANDIN_LABEL = "graders.standin"
IMAGE_LABEL = "graders.image"  # the tag a batch build was made for
FAILURE_LOG_LINES = 15
FAILURE_LINE_CHARS = 240
CONTAINER_LOG_LINES = 20
_STEP = re.compile(r"^Step (\d+)/(\d+) : (.*)$")
_NOISE = re.compile(r"^ ---> (Running in|Using cache|[0-9a-f]{12}$)|^Removing intermediate container ")


# -- what the session hands the checks ----------------------------------------------------------------------


@dataclass(frozen=True)
class BuiltImage:
    tag: str
    id: str  # sha256:... the local image's config digest
    size: int
    layers: int
    config: dict  # the image config (Env, ExposedPorts, WorkingDir, Entrypoint, Cmd, User, Labels)
    standin_base: str | None = None  # the base image an offline stand-in replaced
    unlabelled_id: str | None = None  # what a plain `docker build` makes: before the harness's LABEL step

    @property
    def build_id(self) -> str:
        return self.unlabelled_id or self.id


@dataclass(frozen=True)
class BuildResult:
    ok: bool
    image: BuiltImage | None
    message: str  # for the student: what failed, where, and the last lines of the log
    log: tuple[str, ...] = ()
    failing_step: str | None = None  # "Step 5/12 : RUN apt-get install nope"
    line: int | None = None  # the failing instruction's line in the Dockerfile
    seconds: float = 0.0
    timed_out: bool = False


@dataclass(frozen=True)
class ContainerFacts:
    status: str  # "running", "exited", "created", "removed"...
    exit_code: int | None
    oom_killed: bool
    error: str  # the engine's own error about the container (bad entrypoint...)
    logs: str  # the last lines
    listening: tuple[tuple[str, int], ...] = ()  # TCP sockets listening inside, when it could be read
    memory_limit: str = Limits.mem_limit
    process_limit: int = Limits.pids_limit
    forks_refused: int | None = None  # new processes refused at its process limit, where that can be read
    stopped_for: str = ""  # why the grader stopped it (over its disk budget)


@dataclass(frozen=True)
class ProbeResult:
    outcome: ProbeOutcome
    port: int
    host_port: int | None
    facts: ContainerFacts | None = None  # gathered when the probe failed
    start_error: str = ""  # the engine refused to start the container

    @property
    def ok(self) -> bool:
        return self.outcome.ok


# -- the factory ----------------------------------------------------------------------------------------------


class DockerSessions:
    """The runner's session factory: `sessions(submission, task, dockerfile_path)` -> DockerSession."""

    def __init__(
        self,
        mode: str = "batch",
        build_timeout: float = 900.0,
        run_timeout: float = 60.0,
        registry: str | None = None,
        run_id: str | None = None,
        repo_root: Path = Path("."),
        *,
        docker_host: str | None = None,
        engine: Engine | None = None,
        exercise: Exercise | None = None,
        keep_images: bool = False,
        limits: Limits = Limits(),
        probe_interval: float = 0.1,
        request_timeout: float = 2.0,
        docker_config: str | None = None,
        on_build_line: Callable[[str], None] | None = None,
        student_tags: dict[str, str] | None = None,
    ) -> None:
        if mode not in ("batch", "student"):
            raise ValueError(f"mode must be 'batch' or 'student', not {mode!r}")
        self.mode = mode
        self.build_timeout = build_timeout
        self.run_timeout = run_timeout
        self.registry = registry.rstrip("/") if registry else None
        self.run_id = run_id or new_run_id()
        self.repo_root = Path(repo_root)
        self.exercise = exercise or load_exercise()  # its starter files make every batch build context
        self.docker_host = docker_host
        self.keep_images = keep_images
        self.limits = limits
        self.probe_interval = probe_interval
        self.request_timeout = request_timeout
        self.docker_config = docker_config
        self.on_build_line = on_build_line
        # task id -> required tag, where student mode finds earlier images
        self.student_tags = student_tags if student_tags is not None else {
            task.id: task.tag for task in self.exercise.tasks.values()}
        self.labels = run_labels(self.run_id)  # graders.run, graders.pid, graders.host
        self._engine = engine
        self._owns_engine = engine is None
        self._engine_problem: HarnessError | None = None
        self._lock = threading.RLock()  # close() may run in a signal handler of the thread holding it
        self._built: dict[tuple[str, str], BuiltImage] = {}
        self._tags: set[str] = set()
        self._open: set[DockerSession] = set()

    def __call__(self, submission: Submission, task: TaskSpec, dockerfile: Path) -> DockerSession:
        session = DockerSession(self, submission, task, Path(dockerfile))
        with self._lock:
            self._open.add(session)
        return session

    @property
    def engine(self) -> Engine:
        """The engine, connected on first use; a failure to connect is remembered (one answer for the run)."""
        with self._lock:
            if self._engine is None:
                if self._engine_problem is not None:
                    raise self._engine_problem
                try:
                    self._engine = Engine.connect(self.docker_host)
                except HarnessError as problem:
                    self._engine_problem = problem
                    raise
            return self._engine

    def tag_for(self, submission: Submission, task: TaskSpec) -> str:
        """Student mode: the task's required tag. Batch: graders/<submission>-<task>:<run>, unique in the run."""
        if self.mode == "student":
            return task.tag
        name = f"graders/{_component(submission.id)}-{_component(task.id)}"
        tag = f"{name}:{_tag_text(self.run_id)}"
        with self._lock:
            suffix = 2
            while tag in self._tags:  # the same submission id twice (two PATHs with one folder name)
                tag = f"{name}-{suffix}:{_tag_text(self.run_id)}"
                suffix += 1
            self._tags.add(tag)
        return tag

    def remember(self, submission: Submission, task: TaskSpec, image: BuiltImage) -> None:
        with self._lock:
            self._built[(submission.id, task.id)] = image

    @functools.cached_property
    def uses_standins(self) -> bool:
        """Whether this engine holds offline stand-ins (`make offline-bases`): then it cannot pull from Docker Hub."""
        return bool(self.engine.labelled(STANDIN_LABEL).get("images"))

    def previous_image(self, submission: Submission, task_id: str) -> BuiltImage | None:
        """The task's image built in this run; in student mode also the one `make buildTask...` tagged."""
        with self._lock:
            built = self._built.get((submission.id, task_id))
        tag = self.student_tags.get(task_id)
        if built is not None or self.mode != "student" or tag is None:
            return built
        attrs = self.engine.inspect_image(tag)
        if attrs is None:
            return None
        return BuiltImage(tag, attrs["Id"], int(attrs.get("Size") or 0),
                          len((attrs.get("RootFS") or {}).get("Layers") or ()), attrs.get("Config") or {})

    def close(self) -> None:
        """Remove whatever the run left in the engine (containers, images, networks labelled with its run id)."""
        with self._lock:
            sessions = list(self._open)
        for session in sessions:
            session.close()
        if self._engine is None:
            return
        try:
            removed = self._engine.remove_labelled(f"{RUN_LABEL}={self.run_id}")
            if removed:
                log.info("removed %d leftover object(s) of run %s", removed, self.run_id)
        except HarnessError as problem:
            log.warning("cleanup of run %s incomplete: %s", self.run_id, problem)
        if self._owns_engine:
            self._engine.close()
            self._engine = None

    def __enter__(self) -> DockerSessions:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


# -- one task's session ---------------------------------------------------------------------------------------


class DockerSession:
    """One task of one submission: its build, its probe container, its throwaway commands."""

    def __init__(self, owner: DockerSessions, submission: Submission, task: TaskSpec, dockerfile: Path) -> None:
        self.owner = owner
        self.submission = submission
        self.task = task
        self.dockerfile = dockerfile
        self.image_info: ImageInfo | None = None
        self._build: BuildResult | None = None
        self._build_problem: HarnessError | None = None
        self._container: str | None = None
        self._container_port: int | None = None
        self._start_error = ""
        self._guard: ContainerGuard | None = None  # the probe container's disk budget
        self._inspection: str | None = None
        self._probes: dict[tuple, ProbeResult] = {}
        self._images_to_remove: list[str] = []  # batch mode: the tag, then the harness's LABEL steps' images

    # the runner's protocol
    def __enter__(self) -> DockerSession:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def mode(self) -> str:
        return self.owner.mode

    @property
    def registry(self) -> str | None:
        return self.owner.registry

    @property
    def docker_config(self) -> str | None:
        return self.owner.docker_config

    @property
    def engine(self) -> Engine:
        return self.owner.engine

    @property
    def run_timeout(self) -> float:
        return self.owner.run_timeout

    def close(self) -> None:
        """Remove this session's containers (and, in batch mode, its image); safe to call twice."""
        engine = self.owner._engine
        try:
            if self._guard is not None:
                self._guard.close()
            if engine is not None:
                for container in (self._container, self._inspection):
                    if container:
                        engine.remove_container(container)
                if not self.owner.keep_images:
                    for image in self._images_to_remove:
                        engine.remove_image(image)  # never the Dockerfile's own layers: the next run's cache
        finally:
            self._container = self._inspection = None
            self._images_to_remove = []
            with self.owner._lock:
                self.owner._open.discard(self)

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
                self._build = self._do_build()
            except HarnessError as problem:
                self._build_problem = problem
                raise
        return self._build

    def image(self) -> BuiltImage:
        result = self.build()
        if not result.ok or result.image is None:
            raise Blocked("builds")
        return result.image

    def _do_build(self) -> BuildResult:
        engine = self.engine
        refused = self._refusal()
        if refused is not None:  # a privileged or host-network build feature: never sent to the engine
            return BuildResult(False, None, refused.message, line=refused.line)
        needs_buildkit = buildkit_features(self._model) if self._model is not None else []
        if needs_buildkit:  # the engine API's classic builder would stop on it: the machine's limit, not the file's
            stop = next((problem for problem in self._model.problems if problem.stops_build), None)
            if stop is not None:  # unless BuildKit would stop too
                return BuildResult(False, None, f"line {stop.line}: {stop.message}: no builder reads the file, "
                                   "BuildKit neither", line=stop.line)
            raise Inconclusive(classic_builder_message(needs_buildkit))
        tag = self.owner.tag_for(self.submission, self.task)
        try:
            context = self._context()
        except ContextError as problem:
            return BuildResult(False, None, f"cannot make the build context: {problem}")
        if context.links_out:
            context.close()
            return BuildResult(False, None, _links_out_message(context.links_out))
        missing = self._bases_not_pulled_offline()
        if missing:
            context.close()
            raise Inconclusive(
                f"the image {', '.join(f'`{base}`' for base in missing)} is not on this machine, which grades on "
                "offline stand-ins of the exercise's base images because it cannot reach Docker Hub: it does not try "
                "to pull it. Grade where Docker Hub is reachable."
            )
        # the tag among the labels: two students with the same Dockerfile get two images, and removing one
        # (by its id, at the end of its session) never removes the other's
        labels = {**self.owner.labels, IMAGE_LABEL: tag} if self.mode == "batch" else None
        with context:
            dockerfile, api_labels, extra_steps = context.dockerfile, labels, len(labels or ())
            labelled = _with_label_step(context, labels) if labels else None
            if labelled is not None:  # one LABEL step instead of the API's one per label
                dockerfile, api_labels, extra_steps = str(labelled), None, 1
            output = engine.build(context.path, dockerfile, tag, labels=api_labels,
                                  timeout=self.owner.build_timeout, on_line=self.owner.on_build_line,
                                  limits=self.owner.limits)
        log_lines = tuple(output.log)
        if output.image_id is None:
            step, line = self._failing_step(output.log, extra_steps)
            if output.limit:  # over the build's disk or log budget: the student's, whatever the base image
                if self.mode == "batch" and engine.inspect_image(tag):
                    self._images_to_remove.append(tag)
                message = _build_failure_message(output.limit, step, output.log, False, context.notes, extra_steps)
                return BuildResult(False, None, message, log_lines, step, line, output.seconds)
            if not output.timed_out and _disk_full(output.error or "", output.log):
                raise HarnessError(
                    "the engine's disk is full (`no space left on device` during the build, which stayed within its "
                    f"disk budget): free space on the engine's machine, then finish the run with --resume. "
                    f"{output.error or ''}".strip()
                )
            if step and _unreachable_registry(step, output.error or ""):
                raise HarnessError(
                    f"the engine cannot pull the base image of `{step.split(' : ', 1)[1]}`: {output.error}; "
                    "where the registry is out of reach, `make offline-bases` provides the exercise's base images"
                )
            message = _build_failure_message(output.error or "the build failed", step, output.log, output.timed_out,
                                             context.notes, extra_steps)
            standin = self._unfaithful_standin_base()
            if standin:
                raise Inconclusive(
                    f"the build failed on the offline stand-in for {standin} (Debian, not Ubuntu: no Launchpad PPA, "
                    f"other packages), so the failure says nothing sure about the Dockerfile; grade where {standin} "
                    f"can be pulled. {message}"
                )
            if self.mode == "batch" and engine.inspect_image(tag):
                self._images_to_remove.append(tag)
            if step is None and (where := re.search(r"\bline (\d+)", output.error or "")):
                line = int(where.group(1))  # "dockerfile parse error line 3: unknown instruction: RUNN"
            return BuildResult(False, None, message, log_lines, step, line, output.seconds, output.timed_out)
        attrs = engine.inspect_image(output.image_id)
        if attrs is None:
            raise HarnessError(f"the image {tag} vanished right after its build")
        if self.mode == "batch":
            self._images_to_remove.append(tag)
        size, most = int(attrs.get("Size") or 0), self.owner.limits.image_bytes
        if most and size > most:
            if self.mode == "batch":  # its own layers too: the space given back
                engine.remove_image(tag, prune=True)
            return BuildResult(False, None, f"the image is {format_size(size)}, over the grader's limit of {format_size(most)} "
                               "(this exercise's images are well under 1 GiB): not graded further", log_lines,
                               seconds=output.seconds)
        config = attrs.get("Config") or {}
        image = BuiltImage(
            tag=tag,
            id=attrs["Id"],
            size=int(attrs.get("Size") or 0),
            layers=len((attrs.get("RootFS") or {}).get("Layers") or ()),
            config=config,
            standin_base=self._standin_base(config),
            unlabelled_id=self._before_labels(attrs, extra_steps),
        )
        self.image_info = ImageInfo(tag, image.id, image.size, image.layers, image.standin_base)
        self.owner.remember(self.submission, self.task, image)
        cached = sum(1 for text in output.log if text.strip() == "---> Using cache")
        return BuildResult(True, image, f"built {tag} in {output.seconds:.1f} s ({cached} cached step(s))",
                           log_lines, seconds=output.seconds)

    def _before_labels(self, attrs: dict, steps: int) -> str | None:
        """The image the Dockerfile's own steps made, under the harness's `steps` LABEL steps (what a plain
        `docker build` of it makes, and what a student pushes). The label steps' images are removed with the tag."""
        for _ in range(steps):
            parent = attrs.get("Parent")
            attrs = self.engine.inspect_image(parent) if parent else None
            if attrs is None:
                return None
            if _harness_labelled(attrs):
                self._images_to_remove.append(attrs["Id"])
        return attrs["Id"] if steps else None

    def _context(self) -> BuildContext:
        if self.mode == "student":
            return student_context(self.owner.repo_root, self.dockerfile)
        exercise = self.owner.exercise
        return batch_context(self.submission.path, self.dockerfile, exercise.folder, starter=exercise.starter,
                             overlaid=exercise.overlaid, max_bytes=self.owner.limits.context_bytes)

    @functools.cached_property
    def _model(self) -> Dockerfile | None:
        """The Dockerfile's model, for what must be known before the build; None when unreadable (the build says
        why)."""
        try:
            return parse(read_text_file(self.dockerfile))
        except Exception:
            return None

    def _refusal(self) -> Refusal | None:
        return refusal(self._model) if self._model is not None else None

    def _standin_base(self, config: dict) -> str | None:
        """The base image an offline stand-in replaced: the built image inherits the stand-in's label, and the
        local image of that name must carry the same label (a student's own LABEL does not fake it)."""
        reference = (config.get("Labels") or {}).get(STANDIN_LABEL)
        if not reference:
            return None
        base = self.engine.inspect_image(reference)
        labels = ((base or {}).get("Config") or {}).get("Labels") or {}
        return reference if labels.get(STANDIN_LABEL) == reference else None

    def _bases_not_pulled_offline(self) -> list[str]:
        """Images this machine lacks (FROM a base, COPY --from an image) while it grades on offline stand-ins: it
        cannot pull them, so it must not try (a pull would only reach for a registry out of reach)."""
        if not self.owner.uses_standins or self._model is None:
            return []
        stages = self._model.stages
        copied = [expand(flag.split("=", 1)[1], copy.variables) for stage in stages for copy in stage.all("COPY")
                  for flag in copy.flags if flag.lower().startswith("--from=")]
        own = {stage.name for stage in stages if stage.name} | {str(stage.index) for stage in stages} | {"scratch"}
        images = [image for image in [stage.base for stage in stages] + copied if image and image.lower() not in own]
        return [image for image in dict.fromkeys(images) if self.engine.inspect_image(image) is None]

    def _unfaithful_standin_base(self) -> str | None:
        """The Ubuntu image an offline stand-in (Debian) replaces as this Dockerfile's base, if it does: builds
        that fail there prove nothing (the python stand-ins are Debian like the real python images)."""
        stages = self._model.stages if self._model is not None else ()
        if not stages or not stages[-1].base:
            return None
        base = self.engine.inspect_image(stages[-1].base)
        reference = (((base or {}).get("Config") or {}).get("Labels") or {}).get(STANDIN_LABEL) or ""
        return reference if reference.startswith("ubuntu") else None

    def _failing_step(self, lines: list[str], extra_steps: int) -> tuple[str | None, int | None]:
        """The last "Step N/M : ..." the builder started (M as a plain `docker build` shows it), and its line."""
        steps = [match for line in lines if (match := _STEP.match(line))]
        if not steps:
            return None, None
        last = steps[-1]
        number, total, text = int(last.group(1)), int(last.group(2)), last.group(3)
        total -= extra_steps  # the harness's LABEL steps (one per label), appended after the Dockerfile's own
        return f"Step {number}/{total} : {text}", self._instruction_line(number, text)

    def _instruction_line(self, number: int, text: str) -> int | None:
        """The Dockerfile line of step `number`: steps count the instructions in order (the builder's total
        counts ARGs before FROM twice, so only the number is used, checked against the keyword)."""
        try:
            instructions = parse(read_text_file(self.dockerfile)).instructions
        except Exception:  # the line is a nicety: never lose the build's verdict over it
            return None
        if not 1 <= number <= len(instructions):
            return None
        instruction = instructions[number - 1]
        return instruction.line if text.split(" ", 1)[0].upper() == instruction.keyword else None

    # -- running -----------------------------------------------------------------------------------------------

    def container(self, port: int = 8000) -> str:
        """The probe container (started once, `port` published on 127.0.0.1 on a free port); its id."""
        image = self.image()
        if self._container is None:
            engine = self.engine
            self._container = engine.create_container(image.id, labels=self.owner.labels, limits=self.owner.limits,
                                                      publish=port)
            self._container_port = port
            try:
                engine.start(self._container)
            except ContainerStartFailed as problem:
                self._start_error = str(problem)
            else:
                limits = self.owner.limits
                self._guard = ContainerGuard(engine, self._container, limits.container_disk, limits.disk_interval)
        return self._container

    def probe(self, port: int = 8000, path: str = "/", text: str = "Hello World") -> ProbeResult:
        """Start the container and poll GET `path` on the published `port` until it answers `text`."""
        key = (port, path, text)
        if key in self._probes:
            return self._probes[key]
        container = self.container(port)
        engine = self.engine
        if self._start_error:
            outcome = ProbeOutcome(False, "exited", 0.0, 0, error=self._start_error)
            result = ProbeResult(outcome, port, None, self.facts(), self._start_error)
        else:
            host_port = engine.host_port(container, port)
            if host_port is None and not engine.state(container).get("Running"):  # exited at once: no port left
                outcome = ProbeOutcome(False, "exited", 0.0, 0)
                result = self._probes[key] = ProbeResult(outcome, port, None, self.facts())
                return result
            if host_port is None:
                raise HarnessError(f"the engine did not publish port {port} of the container on 127.0.0.1")
            outcome = probe(
                "127.0.0.1", host_port, path=path, text=text, timeout=self.owner.run_timeout,
                alive=lambda: bool(engine.state(container).get("Running")), interval=self.owner.probe_interval,
                request_timeout=self.owner.request_timeout, max_body=self.owner.limits.response_bytes,
            )
            result = ProbeResult(outcome, port, host_port, None if outcome.ok else self.facts())
        self._probes[key] = result
        return result

    def facts(self) -> ContainerFacts:
        """The probe container's state, exit code, last log lines and listening sockets."""
        engine = self.engine
        container = self._container
        if container is None:
            return ContainerFacts("not created", None, False, "", "")
        state = engine.state(container)
        running = bool(state.get("Running"))
        listening: tuple[tuple[str, int], ...] = ()
        if running:
            result = engine.exec(container, ["cat", "/proc/net/tcp", "/proc/net/tcp6"], timeout=5.0)
            if result.exit_code == 0:
                listening = parse_listening(result.output)
        code = state.get("ExitCode")
        return ContainerFacts(
            status=str(state.get("Status") or "unknown"),
            exit_code=None if running or code is None else int(code),
            oom_killed=bool(state.get("OOMKilled")),
            error=str(state.get("Error") or self._start_error or ""),
            logs=engine.logs(container, tail=CONTAINER_LOG_LINES, max_bytes=self.owner.limits.log_bytes),
            listening=listening,
            memory_limit=self.owner.limits.mem_limit,
            process_limit=self.owner.limits.pids_limit,
            forks_refused=engine.forks_refused(container) if running else None,
            stopped_for=self._guard.exceeded if self._guard is not None else "",
        )

    def run_in_image(self, command: list[str], *, user: str | None = None, timeout: float = 30.0) -> ExecResult:
        """`command` as the image runs it: an exec in the probe container while it runs (cheap), else a
        throwaway container (no network, removed at once). `user`: as which user (default: the image's USER)."""
        image = self.image()
        engine = self.engine
        if self._container and engine.state(self._container).get("Running"):
            return engine.exec(self._container, command, user=user, timeout=timeout)
        return engine.run(image.id, command, labels=self.owner.labels, user=user, timeout=timeout,
                          limits=self.owner.limits)

    def list_directory(self, path: str, limit: int = 20) -> list[ArchiveEntry] | None:
        """Entries of `path` in the image's file system (None when absent), read through the engine."""
        image = self.image()
        engine = self.engine
        container = self._container
        if container is None:
            if self._inspection is None:
                self._inspection = engine.create_container(image.id, labels=self.owner.labels,
                                                           limits=self.owner.limits, network=False)
            container = self._inspection
        return engine.list_directory(container, path, limit)

    def previous_image(self, task_id: str) -> BuiltImage | None:
        return self.owner.previous_image(self.submission, task_id)


# -- helpers --------------------------------------------------------------------------------------------------


_NETWORK_PROBLEMS = ("no such host", "dial tcp", "i/o timeout", "connection refused", "tls handshake timeout",
                     "network is unreachable", "temporary failure in name resolution", "client.timeout exceeded")


def _unreachable_registry(step: str, error: str) -> bool:
    """A FROM that failed because the registry is out of reach: the machine's problem, not the student's (a
    misspelt image answers "manifest unknown" / "pull access denied")."""
    instruction = step.split(" : ", 1)[-1].split(" ", 1)[0].upper()
    return instruction == "FROM" and any(problem in error.lower() for problem in _NETWORK_PROBLEMS)


_ESCAPE_DIRECTIVE = re.compile(r"^#\s*escape\s*=\s*(\S)\s*$", re.IGNORECASE)


def _with_label_step(context: BuildContext, labels: dict[str, str]) -> Path | None:
    """The context's Dockerfile plus one `LABEL` line, written beside (not in) the context, so that `COPY .`
    layers stay cacheable across runs; None when a line continuation ends the file (the API labels it then)."""
    try:
        text = read_text_file(context.path / context.dockerfile)
    except Exception:
        return None
    lines = text.splitlines()
    escape = "\\"
    for line in lines:
        if not line.startswith("#"):
            break
        if match := _ESCAPE_DIRECTIVE.match(line):
            escape = match.group(1)
    content = [line.rstrip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if content and content[-1].endswith(escape):
        return None
    pairs = " ".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    target = context.outside(context.dockerfile + ".graders")
    target.write_text(text.rstrip("\n") + f"\n\nLABEL {pairs}\n", encoding="utf-8")
    return target


def _harness_labelled(attrs: dict) -> bool:
    labels = (attrs.get("Config") or {}).get("Labels") or {}
    return RUN_LABEL in labels or PID_LABEL in labels or HOST_LABEL in labels


def _component(text: str) -> str:
    """A valid, lowercase repository path component for `text`; a short hash keeps changed names apart."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")
    if cleaned != text:
        cleaned = f"{cleaned or 'x'}-{hashlib.sha1(text.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"
    return cleaned


def _tag_text(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", text).lstrip(".-")[:128]
    return cleaned or "run"


def parse_listening(proc_net_tcp: str) -> tuple[tuple[str, int], ...]:
    """(address, port) of the LISTEN sockets in /proc/net/tcp and tcp6 text."""
    found: list[tuple[str, int]] = []
    for line in proc_net_tcp.splitlines():
        fields = line.split()
        if len(fields) < 4 or fields[3] != "0A" or ":" not in fields[1]:
            continue
        address, port = fields[1].rsplit(":", 1)
        try:
            item = (_address(address), int(port, 16))
        except ValueError:
            continue
        if item not in found:
            found.append(item)
    return tuple(found)


def _address(hex_text: str) -> str:
    raw = bytes.fromhex(hex_text)
    if len(raw) == 4:
        return ".".join(str(b) for b in raw[::-1])
    words = [raw[i:i + 4][::-1] for i in range(0, 16, 4)]
    data = b"".join(words)
    if data == bytes(16):
        return "::"
    if data == bytes(15) + b"\x01":
        return "::1"
    if data[:12] == bytes(10) + b"\xff\xff":
        return ".".join(str(b) for b in data[12:])
    return ":".join(data[i:i + 2].hex() for i in range(0, 16, 2))


def _build_failure_message(error: str, step: str | None, lines: list[str], timed_out: bool, notes: list[str],
                           extra_steps: int) -> str:
    shown = [line for line in lines if line.strip() and not _NOISE.match(line)]
    if shown and shown[-1].strip() == error.strip():
        shown.pop()  # the headline says it already
    shown = [_short(_unlabelled_step(line, extra_steps)) for line in shown[-FAILURE_LOG_LINES:]]
    where = f"{step} failed" if step else "the build failed before its first step"
    if timed_out:
        where = f"{step}: still running" if step else "the build did not start"
    text = f"{where}: {error}"
    if shown:
        text += "\nlast lines of the build log:\n" + "\n".join(f"  {line}" for line in shown)
    if notes:
        text += "\nnote: " + "; ".join(notes)
    return text


def _links_out_message(links: list[str]) -> str:
    shown = ", ".join(f"`{link}`" for link in links[:5]) + (f" and {len(links) - 5} more" if len(links) > 5 else "")
    return (f"not built: the submission holds symbolic links that lead out of it ({shown}); the grader never follows "
            "them (they would copy the grader's machine into the image): replace each by the file or folder itself")


def _disk_full(error: str, lines: list[str]) -> bool:
    """The build failed on a full disk (its own step's `No space left on device` included)."""
    return any("no space left on device" in text.lower() for text in [error, *lines[-30:]])


def _short(line: str) -> str:
    return line if len(line) <= FAILURE_LINE_CHARS else line[: FAILURE_LINE_CHARS - 1] + "…"


def _unlabelled_step(line: str, extra_steps: int) -> str:
    """"Step 5/14 : X" as a plain `docker build` numbers it, without the harness's LABEL steps."""
    match = _STEP.match(line)
    if not match or not extra_steps:
        return line
    return f"Step {match.group(1)}/{int(match.group(2)) - extra_steps} : {match.group(3)}"
