"""The class dashboard opened in headless Chromium, checked for what a person would see; the screenshots are kept
under the test's tmp folder and copied to reports/screenshots/ for a person to look at."""

import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from graders.report.write import write_reports

from .classbuilder import HOSTILE, RUBRIC, make_class

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "reports" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (Debian package `chromium`)")


def chromium(profile: Path, *arguments: str) -> str:
    result = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *arguments],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


class Seen(HTMLParser):
    """The DOM as Chromium left it: its elements, and the text a person reads (style sheets left out)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.words: list[str] = []
        self._in_style = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if not self._in_style:
            self.words.extend(data.split())

    @property
    def text(self) -> str:
        return " ".join(self.words)

    def all(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.elements if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dashboard")
    write_reports(make_class(), folder, formats={"dashboard"}, exercise=RUBRIC)
    return folder


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_the_index_shows_the_class(site, tmp_path):
    seen = Seen(chromium(tmp_path / "profile", "--dump-dom", (site / "index.html").as_uri()))
    assert "Class dashboard" in seen.text
    headings = [t for t, _ in seen.elements if t == "h3"]
    assert len(headings) >= 5 and all(f"{task} " in seen.text + " " for task in RUBRIC.tasks)
    assert [f["data-task"] for f in seen.all("figure")] == list(RUBRIC.tasks)
    assert "8 students" in seen.text
    assert "bob" in seen.text and "Zoë Ünal" in seen.text
    assert HOSTILE in seen.text  # shown as text ...
    assert not seen.all("script")  # ... never run as a script
    bars = seen.all("g", class_="check")
    assert bars[0]["data-check"] == "no-install-recommends"
    top = seen.all("rect", class_="bar top")
    widths = [float(a["width"]) for t, a in seen.elements if t == "rect" and "bar" in a.get("class", "").split()]
    assert len(top) == 1 and float(top[0]["width"]) == max(widths) > min(widths)
    assert "35% · 7/20" in seen.text
    assert "−58% vs task1" in seen.text and "stand-in" in seen.text and "not built" in seen.text


def test_a_student_page_shows_failures_next_to_the_dockerfile(site, tmp_path):
    seen = Seen(chromium(tmp_path / "profile", "--dump-dom", (site / "students" / "bob.html").as_uri()))
    assert "bob" in seen.text and "Class dashboard" in seen.text
    highlighted = [a["id"] for a in seen.all("span", class_="line hl")]
    assert "task1-L1" in highlighted and "task2-L5" in highlighted
    assert "FROM ubuntu:20.04" in seen.text
    assert "installs recommended packages too; add --no-install-recommends" in seen.text
    assert "Hint:" in seen.text


def test_screenshots_for_a_person(site, tmp_path):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for page, name in (("index.html", "dashboard.png"), ("students/bob.html", "student.png")):
        shot = tmp_path / name
        chromium(tmp_path / "profile", f"--screenshot={shot}", "--window-size=1366,900",
                 "--hide-scrollbars", (site / page).as_uri())
        assert shot.is_file() and shot.stat().st_size > 40_000, "a blank page compresses to a few kB"
        assert png_size(shot) == (1366, 900)
        shutil.copyfile(shot, SCREENSHOTS / name)
