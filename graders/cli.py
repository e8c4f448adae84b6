"""`python -m graders`: a thin command line over the library (shared/interface.md)."""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click

from . import __version__
from .batch import RunFolder, Shard, collect, merge, new_run_id, run_batch
from .cli_limits import LimitsCommand, limit_options, limits_from
from .exercise import (
    DEFAULT_EXERCISE,
    Exercise,
    ExerciseError,
    TaskSpec,
    available,
    configured_exercise,
    load_exercise,
)
from .grading import GradingOptions, Linter
from .limits import Limits
from .report import text
from .report.common import run_description
from .report.formats import DEFAULT_FORMATS, OPTIONAL_FORMATS
from .report.progress import BatchProgress
from .report.write import write_reports
from .results import results_document
from .submission import Submission, discover

if TYPE_CHECKING:
    from .session import DockerSessions

ROOT = Path(__file__).resolve().parents[1]


@click.group()
@click.version_option(__version__, prog_name="graders")
def main() -> None:
    """Grade Dockerfile submissions of an exercise (see `exercises`)."""


_EXERCISE_HELP = ("The exercise to grade against: a name listed by `exercises`, or the path of an exercise folder "
                  f"[default: the run folder's, else graders.toml's, else {DEFAULT_EXERCISE}].")


@main.command(name="grade", cls=LimitsCommand)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--task", "tasks", multiple=True, metavar="TASK", help="Grade only this task (repeatable).")
@click.option("--static-only", is_flag=True, help="Only read the Dockerfiles; no Docker engine needed.")
@click.option("--no-advisories", is_flag=True,
              help="Do not run hadolint (its findings are advisories, without points).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the results here.")
@click.option("--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="the machine's cores",
              help="Submissions graded at once.")
@click.option("--registry", metavar="HOST/PROJECT/REPOSITORY", help="Check that each image was pushed there.")
@click.option("--out", "run_dir", type=click.Path(file_okay=False, path_type=Path),
              help="The run folder for results and reports [default: reports/<run>].")
@click.option("--resume", is_flag=True,
              help="Grade only what the --out folder lacks, or holds with an error that grading again could mend.")
@click.option("--shard", metavar="K/N", help="Grade the K-th of N deterministic parts of the class.")
@click.option("--docker-host", "docker_hosts", multiple=True, metavar="URL",
              help="A Docker engine to use (repeatable: workers are spread over them) [default: DOCKER_HOST].")
@click.option("--format", "formats", multiple=True, type=click.Choice(OPTIONAL_FORMATS),
              help="Extra report formats (repeatable).")
@click.option("--exercise", "exercise_name", metavar="NAME|PATH", help=_EXERCISE_HELP)
@limit_options
def grade_command(paths: tuple[Path, ...], tasks: tuple[str, ...], static_only: bool, no_advisories: bool,
                  json_path: Path | None, jobs: int, registry: str | None, run_dir: Path | None, resume: bool,
                  shard: str | None, docker_hosts: tuple[str, ...], formats: tuple[str, ...], exercise_name: str | None,
                  build_timeout: float, run_timeout: float, **limits: float) -> None:
    """Grade PATH: a submission folder, or a folder of submission folders."""
    folder = RunFolder(run_dir or Path("reports") / new_run_id())
    try:
        exercise = _exercise(exercise_name, [folder])
        selected = exercise.select(list(tasks))
        part = Shard.parse(shard) if shard else None
    except (ExerciseError, ValueError) as problem:
        raise click.UsageError(str(problem)) from None
    if resume and run_dir is None:
        raise click.UsageError("--resume needs --out RUN_DIR: the folder of the run to complete")
    submissions = discover(list(paths), exercise.dockerfile_names)
    if not submissions:
        raise click.UsageError(f"no submission found in {', '.join(map(str, paths))}: a submission folder holds "
                               "dockerfile-task-* files, a class folder holds submission folders")
    if part:
        submissions = part.select(submissions)
    run_root = folder.path.resolve()
    submissions = [s for s in submissions if not s.path.resolve().is_relative_to(run_root)]  # --out inside PATH
    try:
        folder.remember(exercise)
    except ExerciseError as problem:
        raise click.UsageError(str(problem)) from None
    run_id = new_run_id()
    linter = None if no_advisories else _hadolint()
    if not static_only:
        _clean_before_grading(docker_hosts or (None,))
    sessions = [] if static_only else _docker_sessions(
        docker_hosts or (None,), build_timeout=build_timeout, run_timeout=run_timeout, registry=registry,
        run_id=run_id, repo_root=ROOT, exercise=exercise, limits=limits_from(limits))
    option_sets = [GradingOptions(session_factory=s, linter=linter) for s in sessions] or [
        GradingOptions(static_only=True, linter=linter)]
    progress = BatchProgress(total=len(submissions) * len(selected))
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        results = run_batch(submissions, selected, folder, option_sets, jobs=jobs, resume=resume, progress=progress)
    except KeyboardInterrupt:
        _stop(sessions, folder, submissions, selected, set(formats), exercise)
    finally:
        for session_factory in sessions:
            session_factory.close()
    progress.finish()
    written = write_reports(results, folder.path, formats=DEFAULT_FORMATS | set(formats), exercise=exercise,
                            step_summary=True)
    click.echo(text.render(results, color=sys.stdout.isatty() and "NO_COLOR" not in os.environ))
    click.echo(f"reports in {folder.path}/: {', '.join(str(p.relative_to(folder.path)) for p in written[:6])}"
               + (f" and {len(written) - 6} more" if len(written) > 6 else ""))
    if json_path:
        document = results_document(results, run_description(exercise))
        json_path.write_text(json.dumps(document, ensure_ascii=False) + "\n", encoding="utf-8")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _stop(sessions: list[DockerSessions], folder: RunFolder, submissions: list[Submission], tasks: list[TaskSpec],
          formats: set[str], exercise: Exercise) -> None:
    """Ctrl-C or SIGTERM: remove what the run made, report what was graded, and say how to finish."""
    folder.freeze()
    for session_factory in sessions:
        session_factory.close()
    results = collect(folder, submissions, tasks)
    write_reports(results, folder.path, formats=DEFAULT_FORMATS | formats, exercise=exercise)
    click.echo(f"interrupted: the results graded so far are in {folder.path}/; finish with "
               f"`python -m graders grade ... --resume --out {folder.path}`", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(130)  # workers may be blocked in a build: waiting for them would not save their results


@main.command(name="merge")
@click.argument("run_dirs", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the combined reports.")
@click.option("--format", "formats", multiple=True, type=click.Choice(OPTIONAL_FORMATS),
              help="Extra report formats (repeatable).")
@click.option("--exercise", "exercise_name", metavar="NAME|PATH", help=_EXERCISE_HELP)
def merge_command(run_dirs: tuple[Path, ...], out_dir: Path, formats: tuple[str, ...],
                  exercise_name: str | None) -> None:
    """Combine the results of several run folders (shards) into one set of reports."""
    folders = [RunFolder(path) for path in run_dirs]
    target = RunFolder(out_dir)
    try:
        exercise = _exercise(exercise_name, folders)
        target.remember(exercise)
    except ExerciseError as problem:
        raise click.UsageError(str(problem)) from None
    results = merge(folders, list(exercise.tasks.values()))
    if not results:
        raise click.UsageError(f"no results in {', '.join(map(str, run_dirs))}: give the --out folders of grade runs")
    for result in results:
        for task in result.tasks:
            target.save(result.id, task)
    written = write_reports(results, out_dir, formats=DEFAULT_FORMATS | set(formats), exercise=exercise,
                            step_summary=True)
    click.echo(f"merged {len(results)} submissions from {len(run_dirs)} run folders: "
               f"{', '.join(p.name for p in written)} in {out_dir}/")


def _exercise(name: str | None, folders: list[RunFolder]) -> Exercise:
    """The exercise named, else the one the run folders remember (they must agree), else graders.toml's at the
    repo root, else the default."""
    if name:
        return load_exercise(name)
    remembered = {found for folder in folders if (found := folder.remembered()) is not None}
    if len(remembered) > 1:
        raise ExerciseError("the run folders were graded against different exercises "
                            f"({', '.join(sorted(remembered))}); merge the folders of one exercise, or name it "
                            "with --exercise")
    return load_exercise(remembered.pop() if remembered else configured_exercise(ROOT))


@main.command(name="exercises")
@click.option("--offline-bases", is_flag=True,
              help="Print the base images of every exercise as REF=RECIPE, for scripts/offline-bases.sh.")
def exercises_command(offline_bases: bool) -> None:
    """List the exercises available to --exercise, with their tasks."""
    loaded: dict[str, Exercise] = {}
    for name, path in available().items():
        try:
            loaded[name] = load_exercise(path)
        except ExerciseError as problem:
            if offline_bases:  # a base image left out without a word would fail a class's builds later
                raise click.ClickException(str(problem)) from None
            click.echo(f"{name}  (cannot be loaded: {problem})")
    if offline_bases:
        bases = {ref: recipe for exercise in loaded.values() for ref, recipe in exercise.offline_bases.items()}
        click.echo("\n".join(f"{ref}={recipe}" for ref, recipe in bases.items()))
        return
    for name, exercise in loaded.items():
        default = "  [default]" if name == DEFAULT_EXERCISE else ""
        click.echo(f"{name}  {exercise.title}, {exercise.version} edition{default}")
        click.echo(f"    tasks: {', '.join(exercise.tasks)}")


@main.command(name="student-targets")
@click.option("--exercise", "exercise_name", metavar="NAME|PATH",
              help="The exercise [default: `exercise` of graders.toml at the repo root, else the default].")
def student_targets_command(exercise_name: str | None) -> None:
    """Print the make variables of the student's targets (the Makefile includes them)."""
    from .student_make import makefile

    try:
        exercise = load_exercise(exercise_name or configured_exercise(ROOT))
    except ExerciseError as problem:
        raise click.UsageError(str(problem)) from None
    click.echo(makefile(exercise), nl=False)


def _docker_sessions(hosts: Iterable[str | None], *, exercise: Exercise, run_id: str, repo_root: Path,
                     build_timeout: float, run_timeout: float, registry: str | None,
                     limits: Limits) -> list[DockerSessions]:
    """One session factory per Docker engine, all of one batch (`repo_root` makes student mode's contexts, not a
    batch's); the Docker SDK is imported only when images get built."""
    from .run_settings import RunSettings
    from .session import DockerSessions, EngineLink
    from .session_modes import BatchMode

    mode = BatchMode(exercise)
    settings = RunSettings(limits=limits, build_timeout=build_timeout, run_timeout=run_timeout, registry=registry)
    return [DockerSessions(mode, EngineLink(host), settings, run_id) for host in hosts]


def _hadolint() -> Linter:
    from .advisories import hadolint

    return hadolint.lint


@main.command(name="clean")
@click.option("--docker-host", metavar="URL", help="The Docker engine to clean [default: DOCKER_HOST].")
@click.option("--older-than", metavar="AGE", help="Also remove what runs of OTHER hosts made more than AGE ago "
              "(e.g. 12h, 2d); their processes cannot be checked from here [default: never].")
def clean_command(docker_host: str | None, older_than: str | None) -> None:
    """Remove what dead runs of the harness left in the Docker engine (never a live run's, never anything else)."""
    from .cleanup import clean_dead_runs, parse_age
    from .core import HarnessError
    from .engine import Engine

    try:
        age = parse_age(older_than) if older_than else None
    except ValueError as problem:
        raise click.UsageError(str(problem)) from None
    try:
        engine = Engine.connect(docker_host)
    except HarnessError as problem:
        raise click.ClickException(str(problem)) from None
    try:
        cleaned = clean_dead_runs(engine, older_than=age)
    except HarnessError as problem:
        raise click.ClickException(str(problem)) from None
    finally:
        engine.close()
    click.echo(cleaned.summary())


def _clean_before_grading(docker_hosts: Iterable[str | None]) -> None:
    """Remove what dead runs of this host left in each engine, before a batch starts (a few list calls). An engine
    that does not answer is not waited for: the batch reports it on every dynamic check."""
    from .cleanup import clean_dead_runs
    from .core import HarnessError
    from .engine import Engine

    for host in docker_hosts:
        try:
            engine = Engine.connect(host, timeout=15.0)
        except HarnessError:
            continue
        try:
            cleaned = clean_dead_runs(engine)
            if cleaned.total:
                click.echo(f"before grading: {cleaned.summary()}", err=True)
        except HarnessError as problem:
            click.echo(f"warning: could not clean what dead runs left: {problem}", err=True)
        finally:
            engine.close()
