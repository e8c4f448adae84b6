"""The list of checks: unique ids named after their modules, each with its own tests and a README row."""

import re
import string
from pathlib import Path

import pytest

from graders.checks.base import Kind
from graders.checks.registry import CHECKS

ROOT = Path(__file__).resolve().parents[1]


def module_name(check):
    return check.function.__module__.rsplit(".", 1)[-1]


def test_ids_are_unique_and_match_module_names():
    ids = [check.id for check in CHECKS]
    assert len(ids) == len(set(ids))
    assert all(module_name(check) == check.id.replace("-", "_") for check in CHECKS)


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.id)
def test_every_check_has_a_title_a_hint_and_tests(check):
    assert check.title and check.hint
    folder = "checks" if check.kind is Kind.STATIC else "dynamic"
    assert (ROOT / "tests" / folder / f"test_{module_name(check)}.py").is_file()


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.id)
def test_titles_and_hints_are_templates_of_the_check_s_parameters(check):
    known = set(check.parameters) | {"task_id", "task_tag", "task_title", "task_dockerfile"}
    for template in (check.title, check.hint):
        named = {field for _text, field, _spec, _conversion in string.Formatter().parse(template) if field}
        assert named <= known, f"{check.id}: unknown placeholders {named - known}"


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.id)
def test_every_parameter_is_annotated(check):
    annotations = check.function.__annotations__
    assert all(name in annotations for name in check.parameters), check.id


def test_readme_rubric_table_lists_every_check():
    readme = (ROOT / "README.md").read_text()
    rows = set(re.findall(r"^\| `([a-z0-9-]+)` \|", readme, flags=re.M))
    assert rows == {check.id for check in CHECKS}
