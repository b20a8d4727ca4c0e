"""MkDocs adapter: a few hooks that call the core package (``voices``) and nothing more.

- on_startup: remember whether this is ``serve`` (drafts shown) or ``build`` (never).
- on_config: load and validate the archive; any content problem fails the build, listed.
- on_files: add the generated story, area and index pages.
- on_page_markdown: fill ``{{ contacts.* }}`` placeholders in hand-written pages.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, InclusionLevel

from voices.archive import load_archive
from voices.pages import generated_pages
from voices.settings import fill_placeholders

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.voices")
_state: dict = {"command": "build", "archive": None}


def on_startup(command: str, dirty: bool) -> None:
    _state["command"] = command


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = Path(config.config_file_path).parent
    archive, problems = load_archive(root)
    if problems:
        listed = "\n".join(str(problem) for problem in problems)
        raise PluginError(f"The archive's content has {len(problems)} problem(s):\n{listed}")
    _state["archive"] = archive
    config.extra["archive"] = archive.settings.model_dump()
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    archive = _state["archive"]
    drafts = _state["command"] == "serve"
    for src_uri, markdown in generated_pages(archive, include_drafts=drafts).items():
        inclusion = InclusionLevel.NOT_IN_NAV
        files.append(File.generated(config, src_uri, content=markdown, inclusion=inclusion))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.generated_by:
        return markdown
    archive = _state["archive"]
    values = {"name": archive.settings.name, "contacts": archive.settings.contacts,
              "site_url": archive.settings.site_url, "repository_url": archive.settings.repository_url}
    filled, unknown = fill_placeholders(markdown, values)
    for name in unknown:
        log.warning("%s: unknown placeholder {{ %s }} (names come from archive.yml)", page.file.src_uri, name)
    return filled
