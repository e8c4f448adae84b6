"""The `grade` command's limits: one option per limit, shown in a "Limits" section of its help.

The defaults are `graders.limits.Limits`' (a test keeps the two equal).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

import click

from .limits import MIB, Limits, docker_size, format_size, parse_size

DOCKER_MEMORY_MINIMUM = 6 * MIB  # the engine refuses less


class Size(click.ParamType[int, int | str]):
    name = "SIZE"

    def __init__(self, minimum: int = 1) -> None:
        self.minimum = minimum

    def convert(self, value: int | str, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            size = value if isinstance(value, int) else parse_size(value)
        except ValueError as problem:
            self.fail(str(problem), param, ctx)
        if size < self.minimum:
            self.fail(f"{value} is too small: at least {format_size(self.minimum)}", param, ctx)
        return size


DEFAULT = Limits()


def _size_default(count: int | str) -> str:
    return (count if isinstance(count, str) else docker_size(count)).upper()


# (option, parameter, type, default, help)
LIMIT_OPTIONS: list[tuple[str, str, click.ParamType[float], float | str, str]] = [
    ("--build-timeout", "build_timeout", click.FloatRange(min=1), 900.0, "Seconds for one build."),
    ("--build-disk", "build_disk", Size(), _size_default(DEFAULT.build_disk),
     "Disk one build may write (its steps and their layers)."),
    ("--build-memory", "build_memory", Size(DOCKER_MEMORY_MINIMUM), _size_default(DEFAULT.build_memory),
     "Memory of each RUN step of a build."),
    ("--context-size", "context_bytes", Size(), _size_default(DEFAULT.context_bytes),
     "Largest build context (the submission's app and files)."),
    ("--image-size", "image_bytes", Size(), _size_default(DEFAULT.image_bytes), "Largest image a build may make."),
    ("--run-timeout", "run_timeout", click.FloatRange(min=1), 60.0, "Seconds for one container to answer."),
    ("--memory", "mem_limit", Size(DOCKER_MEMORY_MINIMUM), _size_default(DEFAULT.mem_limit),
     "Memory of each container."),
    ("--cpus", "cpus", click.FloatRange(min=0.01), DEFAULT.nano_cpus / 1e9,
     "CPUs of each container and each build step."),
    ("--pids", "pids_limit", click.IntRange(min=8), DEFAULT.pids_limit,
     "Processes of each container and each build step."),
    ("--container-disk", "container_disk", Size(), _size_default(DEFAULT.container_disk),
     "Disk each container may write to its own filesystem."),
    ("--log-bytes", "log_bytes", Size(), _size_default(DEFAULT.log_bytes),
     "Log read from (and kept of) one build or container."),
    ("--response-bytes", "response_bytes", Size(), _size_default(DEFAULT.response_bytes),
     "Body read of one HTTP answer of a container."),
]
LIMIT_PARAMETERS = {parameter for _, parameter, _, _, _ in LIMIT_OPTIONS}


F = TypeVar("F", bound=Callable[..., object])


def limit_options(function: F) -> F:
    """The limit options, in the order of LIMIT_OPTIONS."""
    for option, parameter, kind, default, text in reversed(LIMIT_OPTIONS):
        function = click.option(option, parameter, type=kind, default=default, show_default=True,
                                metavar={"--cpus": "N", "--pids": "N"}.get(option, "SECONDS" if "timeout" in option
                                                                             else None), help=text)(function)
    return function


class LimitsCommand(click.Command):
    """A command whose help lists the limit options apart, under "Limits (each submission)"."""

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        ordinary: list[tuple[str, str]] = []
        limits: list[tuple[str, str]] = []
        for parameter in self.get_params(ctx):
            record = parameter.get_help_record(ctx)
            if record is not None:
                (limits if parameter.name in LIMIT_PARAMETERS else ordinary).append(record)
        if ordinary:
            with formatter.section("Options"):
                formatter.write_dl(ordinary)
        if limits:
            with formatter.section("Limits (each submission; a limit hit is a failed check that says so)"):
                formatter.write_dl(limits)


def limits_from(values: Mapping[str, float]) -> Limits:
    """The engine's Limits for the options' values (sizes in bytes)."""
    return Limits(
        mem_limit=docker_size(int(values["mem_limit"])),
        nano_cpus=int(round(values["cpus"] * 1e9)),
        pids_limit=int(values["pids_limit"]),
        build_memory=docker_size(int(values["build_memory"])),
        build_disk=int(values["build_disk"]),
        context_bytes=int(values["context_bytes"]),
        image_bytes=int(values["image_bytes"]),
        log_bytes=int(values["log_bytes"]),
        response_bytes=int(values["response_bytes"]),
        container_disk=int(values["container_disk"]),
    )

