"""apt-lists-removed follows the rubric, not hadolint's DL3009; the ids ending in DL3009-differs show where.

DL3009 wants, in every RUN with `apt-get update`, an `rm` with the exact words `-rf` and `/var/lib/apt/lists/*`,
wherever it stands in that RUN; it ignores `apt update` and RUNs that only install.

Decision: `rm -r` without `-f` passes. After `apt-get update` the lists always hold `partial/` and `lock`, so the
glob matches; rm asks about write-protected files only on a terminal, and root may remove them anyway. The layer
ends up the same as with `rm -rf`. `rm -f` without `-r` fails: it cannot remove the `partial` directory.

Stricter than the rubric's letter: every RUN whose `apt-get update` saves the lists must remove them, not only the
RUN of the last apt command (case update-in-earlier-run), since a later RUN only hides them. BuildKit cache and tmpfs
mounts on /var/lib/apt/lists pass, as in DL3009: the lists never reach the layer.
"""

import pytest

from graders.checks.static.apt_lists_removed import check
from graders.core import Status
from tests.checks.helpers import assert_fails, assert_passes, verdict

INSTALL = "apt-get update && apt-get install -y --no-install-recommends curl"


@pytest.mark.parametrize(
    "dockerfile",
    [
        f"FROM x\nRUN {INSTALL} && rm -rf /var/lib/apt/lists/*\n",
        f"FROM x\nRUN {INSTALL} && rm -fr /var/lib/apt/lists/*\n",
        f"FROM x\nRUN {INSTALL} && rm -r -f /var/lib/apt/lists/*\n",
        f"FROM x\nRUN {INSTALL} && rm -Rf /var/lib/apt/lists/*\n",
        f"FROM x\nRUN {INSTALL} && rm --recursive --force /var/lib/apt/lists/*\n",
        f"FROM x\nRUN {INSTALL} && rm -rf /var/lib/apt/lists\n",
        f"FROM x\nRUN {INSTALL} && rm -rf /var/lib/apt/lists/\n",
        f"FROM x\nRUN {INSTALL} && rm -r /var/lib/apt/lists/*\n",
        f"FROM x\nRUN {INSTALL} && apt-get clean && rm -rf /tmp/* /var/lib/apt/lists/*\n",
        """
        FROM ubuntu:20.04
        RUN apt-get update \\
         && apt-get install -y --no-install-recommends python3.8 \\
         # keep the image small
         && rm -rf /var/lib/apt/lists/*
        """,
        "FROM x\nRUN <<EOF\napt-get update\napt-get install -y curl\nrm -rf /var/lib/apt/lists/*\nEOF\n",
        f"FROM x\nRUN sh -c '{INSTALL} && rm -rf /var/lib/apt/lists/*'\n",
        "FROM x\nRUN apt update && apt install -y curl && rm -rf /var/lib/apt/lists/*\n",
        f"FROM x\nRUN {INSTALL} && rm -rf /var/lib/apt/lists/* && apt-get purge -y --auto-remove gcc\n",
        f"FROM x\nRUN --mount=type=cache,target=/var/lib/apt/lists {INSTALL}\n",
        f"FROM x AS build\nRUN {INSTALL}\nFROM y\nRUN {INSTALL} && rm -rf /var/lib/apt/lists/*\n",
        f"FROM x\r\nrun {INSTALL} \\\r\n && rm -rf /var/lib/apt/lists/*\r\n",
        f'FROM x\nRUN {INSTALL} && rm -rf "/var/lib/apt/lists"/*\n',
    ],
    ids=["rm-rf", "rm-fr-DL3009-differs", "rm-r-f-DL3009-differs", "rm-Rf-DL3009-differs",
         "long-options-DL3009-differs", "directory-DL3009-differs", "trailing-slash-DL3009-differs",
         "rm-r-without-force-DL3009-differs", "with-clean-and-other-paths", "continuation-with-comment", "heredoc",
         "sh-c", "apt", "purge-after-removal", "cache-mount", "earlier-stage-ignored", "lowercase-crlf",
         "glob-outside-quotes"],
)
def test_passes(dockerfile):
    assert_passes(check, dockerfile)


@pytest.mark.parametrize(
    ("dockerfile", "line", "says", "parameters"),
    [
        (f"FROM x\nRUN {INSTALL}\n", 2,
         "the apt package lists are never removed after the `apt-get install` of line 2; end that RUN with `&& rm -rf",
         {}),
        (f"FROM x\nRUN {INSTALL}\nRUN rm -rf /var/lib/apt/lists/*\n", 3,
         "removed in a later RUN than the `apt-get install` of line 2: they are already saved in that earlier layer, "
         "so a later layer only hides them and the image does not get smaller", {}),
        ("FROM x\nRUN apt-get update\nRUN apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n", 3,
         "later RUN than the `apt-get update` of line 2", {}),
        (f"FROM x\nRUN rm -rf /var/lib/apt/lists/* && {INSTALL}\n", 2,
         "removed before the `apt-get update` of line 2, which downloads them again", {}),
        ("FROM x\nRUN apt-get update && rm -rf /var/lib/apt/lists/* && apt-get install -y curl\n", 2,
         "removed before the `apt-get install` of line 2, which needs them", {}),
        (f"FROM x\nRUN {INSTALL} && rm -rf /var/lib/apt/lists/*\nRUN {INSTALL}\n", 3,
         "never removed after the `apt-get install` of line 3", {}),
        ("FROM x\nRUN apt update && apt install -y curl\n", 2, "never removed", {}),
        ("FROM x\nRUN apt-get install -y curl\n", 2, "never removed", {}),
        (f"FROM x\nRUN {INSTALL} && rm -f /var/lib/apt/lists/*\n", 2, "`rm -f /var/lib/apt/lists/*` is not recursive",
         {}),
        (f"FROM x\nRUN {INSTALL} && rm -rf /var/cache/apt/*\n", 2, "never removed", {}),
        (f"FROM x\nRUN {INSTALL} \\\n && apt-get clean\n", 2, "never removed", {}),
        ("FROM python:3.8.12\nRUN pip install poetry\n", None, "no `apt-get update` or `apt-get install`", {}),
        (f"FROM x\nRUN {INSTALL}\n", 2, "never removed", {"required": False}),
        (f"FROM x AS build\nRUN {INSTALL} && rm -rf /var/lib/apt/lists/*\nFROM y\nRUN {INSTALL}\n", 4,
         "never removed", {}),
        (f"FROM x\nRUN --mount=type=cache,target=/root/.cache {INSTALL}\n", 2, "never removed", {}),
        (f'FROM x\nRUN {INSTALL} \\\n && rm -rf "/var/lib/apt/lists/*"\n', 3,
         'line 3: `rm -rf "/var/lib/apt/lists/*"` quotes the `*`, so the shell does not expand it: rm looks for a file '
         "named `*`, finds none and removes nothing", {}),
        (f"FROM x\nRUN {INSTALL} && rm -rf '/var/lib/apt/lists/*'\n", 2, "quotes the `*`", {}),
        (f"FROM x\nRUN {INSTALL} && rm -rf /var/lib/apt/lists/\\*\n", 2, "quotes the `*`", {}),
        (f"FROM x AS base\nRUN {INSTALL}\nFROM base\nCMD [\"uvicorn\"]\n", 2, "never removed after", {}),
    ],
    ids=["missing", "later-run", "update-in-earlier-run", "before-update-DL3009-differs",
         "between-update-and-install-DL3009-differs", "new-update-after-removal", "apt-DL3009-differs",
         "install-only-DL3009-differs", "not-recursive", "other-path", "clean-is-not-removal", "required-without-apt",
         "not-required-with-apt", "final-stage-only", "other-cache-mount", "quoted-glob", "single-quoted-glob",
         "escaped-glob", "in-the-stage-the-image-is-built-on"],
)
def test_fails(dockerfile, line, says, parameters):
    assert_fails(check, dockerfile, line=line, says=says, **parameters)


@pytest.mark.parametrize(
    "dockerfile",
    ["FROM python:3.8.12-slim\nRUN pip install --no-cache-dir poetry\n", f"FROM x AS build\nRUN {INSTALL}\nFROM y\n"],
    ids=["pip-only", "apt-in-earlier-stage-only"],
)
def test_skipped_without_apt_when_not_required(dockerfile):
    result = verdict(check, dockerfile, required=False)
    assert result.status is Status.SKIPPED
    assert result.message == "no apt in this Dockerfile"
