"""`voices links`: a tiny archive whose links point at a local web server with pages that work,
are gone, redirect, never answer or refuse robots; the report must list exactly the dead ones,
where each is written, and the Internet Archive's copy."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from voices.cli import main

AGENTS: list[str] = []


class Pages(BaseHTTPRequestHandler):
    """alive, gone, moved (to alive), moved-dead (to gone), loop, slow, forbidden, no-head."""

    def log_message(self, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self.answer(head=True)

    def do_GET(self) -> None:
        self.answer(head=False)

    def answer(self, head: bool) -> None:
        AGENTS.append(self.headers.get("User-Agent", ""))
        path = self.path.split("?")[0]
        if path == "/slow":
            time.sleep(3)
        if path in ("/moved", "/moved-dead", "/loop"):
            target = {"/moved": "/alive", "/moved-dead": "/gone", "/loop": "/loop"}[path]
            self.send_response(301 if path == "/moved" else 302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = {"/alive": 200, "/slow": 200, "/gone": 404, "/forbidden": 403}.get(path, 404)
        if path == "/no-head":
            status = 405 if head else 200
        body = b"<p>page</p>"
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


# The contract refuses addresses by IP number: the local server gets a private-use name,
# resolved to this machine while these tests run.
LOCAL_NAME = "links.voices.internal"


@pytest.fixture(scope="module", autouse=True)
def local_name():
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        return real("127.0.0.1" if host == LOCAL_NAME else host, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", resolve)
        yield


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://{LOCAL_NAME}:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def line_of(path: Path, text: str) -> int:
    return next(
        number
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if text in line
    )


@pytest.fixture
def linked(tiny, server):
    refused = f"http://{LOCAL_NAME}:{closed_port()}/nothing-listens"
    area = tiny.area(
        "par-bay",
        f"""\
        ---
        name: Par Bay
        region: south-west
        website: {server}/alive
        legacy:
          - name: Par Bay Community Trust
            url: {server}/gone
        sources:
          - url: {server}/moved
            note: Local authority
          - url: {server}/loop
            note: Region
        ---

        Facts, from [the old site]({refused}).
        """,
    )
    story = tiny.story(
        "garden",
        f"""\
        ---
        title: A good story
        date: 2019-06-14
        summary: A short summary.
        areas: [par-bay]
        themes: [environment]
        source_url: {server}/moved-dead
        ---

        Read [the waiting page]({server}/slow) and <{server}/forbidden>.

        The plans were at {server}/no-head. The trust's page, {server}/gone, has gone.

        ```text
        {server}/only-in-code
        ```

        An example address: https://example.org/placeholder
        """,
    )
    return tiny, area, story, refused


def test_report_lists_the_dead_links_where_they_are_used_with_an_archived_copy(
    linked, server, tmp_path, capsys, monkeypatch
):
    tiny, area, story, refused = linked
    output, summary = tmp_path / "output.txt", tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    report_file = tmp_path / "links.md"
    AGENTS.clear()

    assert (
        main(["--root", str(tiny.root), "links", "--report", str(report_file), "--timeout", "1"])
        == 0
    )

    report = report_file.read_text(encoding="utf-8")
    dead_part, _, unchecked_part = report.partition("## Could not check")
    assert "## Dead links" in dead_part
    for dead, uses in (
        (
            f"{server}/gone",
            [
                f"areas/par-bay.md:{line_of(area, '/gone')} (legacy[1].url)",
                f"stories/garden.md:{line_of(story, '/gone,')} (body)",
            ],
        ),
        (
            f"{server}/moved-dead",
            [f"stories/garden.md:{line_of(story, 'source_url')} (source_url)"],
        ),
        (f"{server}/loop", [f"areas/par-bay.md:{line_of(area, '/loop')} (sources[2].url)"]),
        (f"{server}/slow", [f"stories/garden.md:{line_of(story, '/slow')} (body)"]),
        (refused, [f"areas/par-bay.md:{line_of(area, 'the old site')} (body)"]),
    ):
        entry = dead_part.split(f"### <{dead}>", 1)[1].split("###", 1)[0]
        for use in uses:
            assert f"- Used in `{use.split(' ')[0]}` {use.split(' ')[1]}" in entry, (dead, entry)
        assert f"- Archived copy: <https://web.archive.org/web/2/{dead}>" in entry
    assert "HTTP 404" in dead_part and "no answer within 1 second" in dead_part
    for alive in (
        "/alive>",
        "/moved>",
        "/no-head>",
    ):  # a redirect to a working page; HEAD refused, GET fine
        assert alive not in report, alive
    assert f"### <{server}/forbidden>" in unchecked_part and "HTTP 403" in unchecked_part
    assert f"<{server}/forbidden>" not in dead_part
    assert "only-in-code" not in report and "example.org" not in report
    assert "9 addresses in stories and areas, 5 dead, 1 could not be checked" in report

    assert output.read_text(encoding="utf-8") == "dead=5\n"
    assert "## Dead links" in summary.read_text(encoding="utf-8")
    assert "9 external links checked: 5 dead, 1 could not be checked." in capsys.readouterr().err
    assert AGENTS and all(
        agent.startswith("VoicesOfBigLocal-LinkCheck/1.0 (+https://") for agent in AGENTS
    )


def test_no_dead_links_is_said_plainly(tiny, server, tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    tiny.area("ramsey", f"---\nname: Ramsey\nwebsite: {server}/alive\n---\n")
    report_file = tmp_path / "links.md"
    assert main(["--root", str(tiny.root), "links", "--report", str(report_file)]) == 0
    report = report_file.read_text(encoding="utf-8")
    assert "1 addresses in stories and areas, 0 dead" in report and "No dead links found." in report


def test_usage_errors_exit_2(tiny, tmp_path, capsys):
    assert main(["--root", str(tiny.root), "links"]) == 2  # no --report
    assert (
        main(["--root", str(tiny.root), "links", "--report", str(tmp_path / "missing" / "r.md")])
        == 2
    )
    assert "no folder" in capsys.readouterr().err
    assert (
        main(
            [
                "--root",
                str(tiny.root),
                "links",
                "--report",
                str(tmp_path / "r.md"),
                "--timeout",
                "soon",
            ]
        )
        == 2
    )


def test_a_long_report_is_cut_to_fit_an_issue():
    from datetime import date

    from voices.publish.linkcheck import LinkReport, LinkResult, LinkUse, report_markdown

    urls = [f"https://site{n}.org.uk/a-page-with-a-long-address-{n}" for n in range(500)]
    report = LinkReport(
        {url: [LinkUse("areas/a.md", 3, "website")] for url in urls},
        {url: LinkResult(url, "dead", "HTTP 404") for url in urls},
    )
    text = report_markdown(report, date(2026, 1, 5), limit=20_000)
    assert len(text) <= 20_000
    shown = text.count("\n### ")
    assert (
        0 < shown < 500 and f"{500 - shown} more entries are in the workflow run's summary" in text
    )


def test_when_no_site_can_be_reached_nothing_is_called_dead(tiny, tmp_path, monkeypatch, capsys):
    output = tmp_path / "output.txt"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    sources = "".join(f"  - url: http://{LOCAL_NAME}:{closed_port()}/page-{n}\n" for n in range(3))
    tiny.area("ramsey", f"---\nname: Ramsey\nsources:\n{sources}---\n")
    report_file = tmp_path / "links.md"
    assert (
        main(["--root", str(tiny.root), "links", "--report", str(report_file), "--timeout", "1"])
        == 1
    )
    assert "none of the 3 sites could be reached" in capsys.readouterr().err
    report = report_file.read_text(encoding="utf-8")
    assert "0 dead" in report and "## Dead links" not in report and "the network was down" in report
    assert not output.exists()  # the workflow neither opens nor closes its issue
