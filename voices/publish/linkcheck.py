"""Check the archive's links to other websites, and report the dead ones.

Areas link to their own websites, their successor bodies and the sources of their facts;
stories to where they first appeared, to recordings hosted elsewhere, and to anything in
their text. Those sites close and move, more so once the programme has ended. This module
finds every such address with the file and line it is written on, checks each one once
(politely: a few at a time, at most two per site, with a User-Agent that says who is asking),
and writes a Markdown report offering the Internet Archive's copy of each dead link.

A link is *dead* when the site says the page is gone (404, 410, other 4xx, 5xx), does not
exist (no such host), refuses the connection, does not answer in time, or redirects in a
loop. A redirect ending at a working page is alive. Some sites refuse automatic checks
(401, 403, 429): those are listed apart, as "could not check", never as dead. When no site
at all can be reached, the fault is the network of the computer checking: nothing is dead.

Network work lives in ``check_url``; ``collect_links`` and ``report_markdown`` are pure.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from voices.content.code_masking import mask_code
from voices.content.loading import Archive, Area, Story

ARCHIVE_FALLBACK = "https://web.archive.org/web/2/"  # the Wayback Machine's closest copy of a URL
TIMEOUT_SECONDS = 20.0
WORKERS = 8
PER_HOST = 2  # at most this many requests to one site at a time
REFUSED_CHECK = {401, 403, 429}  # the site refuses robots, not the page: "could not check"
ISSUE_LIMIT = 60_000  # a GitHub issue body holds 65,536 characters
OFFLINE_AFTER = 3  # when at least this many addresses all fail to connect, the network is down
_NO_NETWORK = ("no such site", "could not connect", "no answer")

# Reserved for examples (RFC 2606, RFC 6761): never real pages, never checked.
_EXAMPLE_HOST = re.compile(
    r"(^|\.)(example\.(com|org|net)|[^.]+\.(example|invalid|test|localhost))$"
)
# A web address in text: up to whitespace, quotes, angle brackets or an unbalanced bracket.
_URL = re.compile(r"https?://(?:[^\s<>()\[\]\"'`]|\([^\s<>()\"'`]*\))+", re.IGNORECASE)
_TRAILING = ".,;:!?*_~"  # sentence punctuation and Markdown emphasis after a bare address

Status = Literal["alive", "dead", "unchecked"]


@dataclass(frozen=True, order=True)
class LinkUse:
    """Where an external address is written: file, line and field (``body`` for the text)."""

    path: str
    line: int
    field: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} ({self.field})"


@dataclass(frozen=True)
class LinkResult:
    """What checking one address found."""

    url: str
    status: Status
    detail: str  # "HTTP 404", "no answer within 20 seconds", "redirected to https://..."


@dataclass
class LinkReport:
    """Every address checked, with where each is used."""

    uses: dict[str, list[LinkUse]]
    results: dict[str, LinkResult] = field(default_factory=dict)
    offline: bool = False  # no site at all could be reached: the check says nothing about the links

    def with_status(self, status: Status) -> list[LinkResult]:
        return sorted((r for r in self.results.values() if r.status == status), key=lambda r: r.url)


# --- finding the links ------------------------------------------------------------------------


def collect_links(archive: Archive) -> dict[str, list[LinkUse]]:
    """Every external address in the areas and the stories still on the site (published and
    drafts; a withdrawn story keeps none), with each place it is written, in file order."""
    uses: dict[str, list[LinkUse]] = defaultdict(list)

    def add(url: str | None, use: LinkUse) -> None:
        if url and not _is_example(url):
            uses[url].append(use)

    for area in sorted(archive.areas.values(), key=lambda a: a.path):
        meta = area.meta
        add(meta.website, _field_use(area, ("website",)))
        for index, body in enumerate(meta.legacy):
            add(body.url, _field_use(area, ("legacy", index, "url")))
        for index, source in enumerate(meta.sources):
            add(source.url, _field_use(area, ("sources", index, "url")))
        for url, line in body_links(area.body, area.body_line):
            add(url, LinkUse(area.path, line, "body"))
    for story in sorted(archive.stories.values(), key=lambda s: s.path):
        if story.meta.status == "withdrawn":
            continue
        add(story.meta.source_url, _field_use(story, ("source_url",)))
        for index, item in enumerate(story.meta.media):
            add(item.url, _field_use(story, ("media", index, "url")))
        for url, line in body_links(story.body, story.body_line):
            add(url, LinkUse(story.path, line, "body"))
    return {url: sorted(found) for url, found in uses.items()}


def body_links(body: str, first_line: int) -> list[tuple[str, int]]:
    """(address, line) of every web address in a Markdown body, code and comments aside."""
    masked = mask_code(body)
    found = []
    for match in _URL.finditer(masked):
        url = match.group(0)
        while url and url[-1] in _TRAILING:
            url = url[:-1]
        if url.endswith(")") and url.count("(") < url.count(")"):
            url = url[:-1]
        found.append((url, first_line + masked.count("\n", 0, match.start())))
    return found


def _field_use(entry: Area | Story, path: tuple[str | int, ...]) -> LinkUse:
    line = entry.lines.get(path) or entry.lines.get(path[:-1]) or entry.lines.get(path[:1]) or 1
    return LinkUse(
        entry.path,
        line,
        ".".join(str(p) if isinstance(p, str) else f"[{p + 1}]" for p in path).replace(".[", "["),
    )


def _is_example(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return bool(_EXAMPLE_HOST.search(host))


# --- checking them ----------------------------------------------------------------------------


class _KeepMethod(urllib.request.HTTPRedirectHandler):
    """Follow redirects with the same method: urllib turns a redirected HEAD into a GET."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.method = req.get_method()
        return new


_OPENER = urllib.request.build_opener(_KeepMethod())


def check_url(
    url: str, user_agent: str, timeout: float = TIMEOUT_SECONDS, retries: int = 1
) -> LinkResult:
    """Check one address: HEAD first, then GET when the site answers HEAD with an error (many
    servers mishandle HEAD). No answer, or no connection, is tried again ``retries`` times
    before it counts: one bad moment on either side must not call a page dead."""
    result = _request(url, "HEAD", user_agent, timeout)
    if result.status != "alive" and result.detail.startswith("HTTP"):
        result = _request(url, "GET", user_agent, timeout)
    for _ in range(retries):
        if not result.detail.startswith(("no answer", "could not connect")):
            break
        time.sleep(1)
        result = _request(url, "GET", user_agent, timeout)
    return result


def _request(url: str, method: str, user_agent: str, timeout: float) -> LinkResult:
    request = urllib.request.Request(
        url,
        method=method,
        headers={"User-Agent": user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            if method == "GET":
                response.read(1024)  # enough to know the page is served; never the whole file
            final = response.geturl()
    except urllib.error.HTTPError as error:
        error.close()
        if error.code in REFUSED_CHECK or error.code >= 600:
            return LinkResult(
                url, "unchecked", f"HTTP {error.code}: the site refuses automatic checks"
            )
        if error.code in (301, 302, 303, 307, 308):
            return LinkResult(
                url, "dead", f"HTTP {error.code}: redirects in a loop or too many times"
            )
        return LinkResult(url, "dead", f"HTTP {error.code}{_reason(error.reason)}")
    except urllib.error.URLError as error:
        return LinkResult(url, "dead", _network_problem(error.reason, timeout))
    except TimeoutError:
        return LinkResult(url, "dead", f"no answer within {timeout:g} seconds")
    except (
        OSError,
        http.client.HTTPException,
        ValueError,
    ) as error:  # cut off mid-answer, bad address
        return LinkResult(url, "dead", f"could not connect: {error}")
    detail = f"redirected to {final}" if final != url else "OK"
    return LinkResult(url, "alive", detail)


def _reason(reason: object) -> str:
    return f" {reason}" if isinstance(reason, str) and reason else ""


def _network_problem(reason: object, timeout: float) -> str:
    if isinstance(reason, TimeoutError):
        return f"no answer within {timeout:g} seconds"
    if isinstance(reason, socket.gaierror):
        return "no such site (the name does not resolve)"
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"the site's security certificate is not valid ({reason.verify_message})"
    if isinstance(reason, ConnectionRefusedError):
        return "could not connect: the connection was refused"
    return f"could not connect: {reason}"


def check_links(
    uses: dict[str, list[LinkUse]],
    user_agent: str,
    timeout: float = TIMEOUT_SECONDS,
    workers: int = WORKERS,
    check: Callable[[str, str, float], LinkResult] = check_url,
) -> LinkReport:
    """Check every address once, a few at a time and at most ``PER_HOST`` per site."""
    host_slots: dict[str, threading.Semaphore] = defaultdict(lambda: threading.Semaphore(PER_HOST))
    lock = threading.Lock()

    def one(url: str) -> LinkResult:
        with lock:
            slot = host_slots[(urlsplit(url).hostname or "").lower()]
        with slot:
            return check(url, user_agent, timeout)

    report = LinkReport(uses)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for result in pool.map(one, sorted(uses)):
            report.results[result.url] = result
    results = report.results.values()
    if len(report.results) >= OFFLINE_AFTER and all(
        r.detail.startswith(_NO_NETWORK) for r in results
    ):
        # Every site unreachable is this computer's network, not the web: call nothing dead.
        report.offline = True
        report.results = {
            r.url: LinkResult(r.url, "unchecked", f"{r.detail} (no site could be reached at all)")
            for r in results
        }
    return report


def user_agent(repository_url: str) -> str:
    """Say who is asking, and where to find out more, as polite robots do."""
    return f"VoicesOfBigLocal-LinkCheck/1.0 (+{repository_url})"


# --- the report -------------------------------------------------------------------------------


def archive_link(url: str) -> str:
    """The Internet Archive's copy of a page closest to now, when it has one."""
    return ARCHIVE_FALLBACK + url


def report_markdown(report: LinkReport, checked_on: date, limit: int = ISSUE_LIMIT) -> str:
    """The report as Markdown, for an issue and the job summary; cut short (saying so) past
    ``limit`` characters, as an issue body has a maximum size."""
    dead, unchecked = report.with_status("dead"), report.with_status("unchecked")
    lines = [
        "# Broken links to other websites",
        "",
        (
            f"Checked on {checked_on.isoformat()}: {len(report.results)} addresses in stories and areas, "
            f"{len(dead)} dead, {len(unchecked)} could not be checked."
        ),
        "",
    ]
    if report.offline:
        lines += [
            "No site could be reached at all, so the network was down: nothing is reported as dead.",
            "",
        ]
    elif dead:
        lines += [
            (
                "For each dead link: open the file at that line and replace the address with the page's "
                "new address, or with the Internet Archive's copy (check that the copy shows the right page "
                "first), or remove the link. Never guess a new address."
            ),
            "",
            "## Dead links",
            "",
        ]
        for result in dead:
            lines += _entry(report, result, archived=True)
    else:
        lines += ["No dead links found.", ""]
    if unchecked and not report.offline:
        lines += [
            "## Could not check",
            "",
            "These sites refuse automatic checks. They may well work: open them in a browser.",
            "",
        ]
        for result in unchecked:
            lines += _entry(report, result, archived=False)
    text = "\n".join(lines)
    if len(text) > limit:
        cut = text.rfind("\n### ", 0, limit - 200)
        shown = text[:cut].count("\n### ")
        text = (
            text[:cut]
            + f"\n\n*The list is cut short here: {len(dead) + len(unchecked) - shown} more "
            "entries are in the workflow run's summary.*\n"
        )
    return text


def _entry(report: LinkReport, result: LinkResult, archived: bool) -> list[str]:
    lines = [f"### <{result.url}>", "", f"- Problem: {result.detail}"]
    lines += [
        f"- Used in `{use.path}:{use.line}` ({use.field})"
        for use in report.uses.get(result.url, [])
    ]
    if archived:
        lines.append(f"- Archived copy: <{archive_link(result.url)}>")
    return lines + [""]


def summary_line(report: LinkReport) -> str:
    dead, unchecked = len(report.with_status("dead")), len(report.with_status("unchecked"))
    return f"{len(report.results)} external links checked: {dead} dead, {unchecked} could not be checked."


# --- the command ------------------------------------------------------------------------------


def run_link_check(
    archive: Archive,
    report_file: Path,
    timeout: float = TIMEOUT_SECONDS,
    environ: Mapping[str, str] | None = None,
) -> LinkReport:
    """Check the archive's external links and write the report (``voices links``). Under GitHub
    Actions, also give the workflow ``dead=<count>`` and put the full report in the job summary."""
    environ = os.environ if environ is None else environ
    report = check_links(
        collect_links(archive), user_agent(archive.settings.repository_url), timeout
    )
    report_file.write_text(report_markdown(report, date.today()), encoding="utf-8")
    if environ.get("GITHUB_OUTPUT") and not report.offline:
        with open(environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as handle:
            handle.write(f"dead={len(report.with_status('dead'))}\n")
    if environ.get("GITHUB_STEP_SUMMARY"):
        with open(environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as handle:
            handle.write(report_markdown(report, date.today(), limit=10_000_000) + "\n")
    return report
