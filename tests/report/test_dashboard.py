"""The class dashboard's HTML, read as structure (the browser test looks at it as a person would)."""

from html.parser import HTMLParser

import pytest

from graders.report import dashboard
from graders.report.common import slugs

from .classbuilder import RUBRIC, full_marks, make_class, submission, task


class Page(HTMLParser):
    """Every start tag with its attributes, and the text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def find(self, tag: str, **attrs) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())]

    @property
    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return dashboard.render(make_class(), RUBRIC)


def test_an_index_and_a_page_per_student(pages):
    names = slugs([s.id for s in make_class()])
    assert set(pages) == {"index.html", *(f"students/{name}.html" for name in names.values())}
    index = Page(pages["index.html"])
    links = {a["href"] for a in index.find("a")}
    assert {f"students/{name}.html" for name in names.values()} <= links


@pytest.mark.parametrize("page", ["index.html", "students/bob.html"])
def test_self_contained_and_scriptless(pages, page):
    html = pages[page]
    parsed = Page(html)
    assert not parsed.find("script") and not parsed.find("link") and not parsed.find("img") and not parsed.find("iframe")
    for tag, attrs in parsed.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert "src" not in attrs
        href = attrs.get("href", "")
        assert not href.startswith(("http:", "https:", "//", "javascript:", "data:")), href
    assert "url(" not in html and "@import" not in html
    csp = parsed.find("meta", http_equiv="Content-Security-Policy")
    assert csp and "default-src 'none'" in csp[0]["content"]


def test_hostile_student_text_is_escaped(pages):
    hostile_page = next(text for name, text in pages.items() if name.startswith("students/script-alert"))
    for html in (pages["index.html"], hostile_page):
        assert "<script" not in html.lower()
        assert "&lt;script&gt;alert(&#x27;id&#x27;)&lt;/script&gt;" in html
    assert "&lt;/pre&gt;&lt;script&gt;alert(&#x27;dockerfile&#x27;)&lt;/script&gt;" in hostile_page  # the Dockerfile
    assert "&lt;script&gt;alert(&#x27;message&#x27;)&lt;/script&gt;" in hostile_page  # a message
    assert "&lt;img src=x&gt;" in hostile_page  # an advisory
    assert "no CMD &amp; no &lt;b&gt;ENTRYPOINT&lt;/b&gt;" in hostile_page


def test_score_histograms_and_failure_chart(pages):
    index = Page(pages["index.html"])
    assert [f["data-task"] for f in index.find("figure")] == list(RUBRIC.tasks)
    checks = [g["data-check"] for g in index.find("g", class_="check")]
    assert checks[0] == "no-install-recommends"
    rates = [float(g["data-rate"]) for g in index.find("g", class_="check")]
    assert rates == sorted(rates, reverse=True) and rates[0] == pytest.approx(7 / 20)
    assert len(index.find("rect", class_="bar top")) == 1
    assert "8 students" in index.all_text


def test_image_sizes_show_the_shrink_stand_ins_and_not_built(pages):
    html = pages["index.html"]
    sizes = html.split('id="sizes"')[1].split("</section>")[0]
    assert "1.1 GB" in sizes and "480 MB" in sizes
    assert "−58% vs task1" in sizes  # ada: 1150 MB -> 480 MB
    assert "+3% vs task1" in sizes  # bob's task2 grew
    assert "not built" in sizes and 'class="standin"' in sizes and "stand-in for ubuntu:20.04" in sizes


def test_no_image_at_all():
    html = dashboard.render_index([submission("a", task("task1"))], RUBRIC)
    assert "No image was built in this run" in html


def test_student_page_shows_failures_next_to_highlighted_lines(pages):
    bob = pages["students/bob.html"]
    parsed = Page(bob)
    highlighted = {a["id"] for a in parsed.find("span") if a.get("class") == "line hl"}
    assert {"task1-L1", "task1-L4", "task2-L5", "nonroot-L2"} <= highlighted
    assert "task1-L2" not in highlighted
    assert parsed.find("a", href="#task1-L4")  # the finding links to its line
    finding = bob.split('data-check="one-command-per-run"')[1].split("</article>")[0]
    assert "<code>RUN apt-get update &amp;&amp; apt-get install -y x</code> holds 2 commands" in finding
    assert "Hint:" in finding
    assert parsed.find("a", href="../index.html")


def test_missing_absent_and_error_on_student_pages(pages):
    chen, eve, dave = Page(pages["students/chen.html"]), Page(pages["students/eve.html"]), pages["students/dave.html"]
    assert "missing: no dockerfile-task-3-2 in the submission" in chen.all_text
    assert "Not graded in this run." in eve.all_text
    assert 'class="finding error"' in dave and "regrade it" in dave
    assert "Docker engine unreachable" in dave and '<pre class="log">last lines of the log:' in dave


def test_all_passed():
    html = dashboard.render_student(full_marks("ada"), RUBRIC)
    assert html.count("Every check passed.") == len(RUBRIC.tasks)
