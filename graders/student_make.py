"""The student's make targets of an exercise (`make buildTask1`, `runTask1`, `testTask1`, `pushTask1`), as make
variables the Makefile's one generic template reads: the tasks, their Dockerfiles and tags come from the exercise's
data, never from tables of the Makefile's own."""

from __future__ import annotations

from .exercise import Exercise


def makefile(exercise: Exercise) -> str:
    lines = [f"# Made by `python -m graders student-targets` from {exercise.folder / 'exercise.toml'}: do not edit.",
             f"EXERCISE_NAME := {exercise.name}",
             f"STUDENT_PORT := {exercise.student.port}",
             f"TASKS := {' '.join(task.make_name for task in exercise.tasks.values())}"]
    for name, value in exercise.student.variables.items():
        lines.append(f"{name} ?= {value}")
    if exercise.student.registry:
        lines.append(f"REGISTRY ?= {exercise.student.registry}")
    for task in exercise.tasks.values():
        suffix = task.make_name
        lines += [f"task_{suffix} := {task.id}",
                  f"dockerfile_{suffix} = $(firstword $(wildcard {' '.join(_spellings(task.dockerfiles))}) "
                  f"{task.dockerfiles[0]})",
                  f"tag_{suffix} := {task.tag}"]
    return "\n".join(lines) + "\n"


def _spellings(names: tuple[str, ...]) -> list[str]:
    """The file names make looks for, in order: make's wildcard is case-sensitive, the harness is not."""
    spelled: list[str] = []
    for name in names:
        for spelling in (name, name.lower(), name[:1].upper() + name[1:].lower()):
            if spelling not in spelled:
                spelled.append(spelling)
    return spelled
