"""How a story is cited: its authors, title, the archive, its date written out, its address.

The date written out (``14 June 2019``) is the one every page, list and search result shows,
so it lives here beside the citation that uses it; pages.py and search.py import it.
"""

from __future__ import annotations

import calendar

from voices.content.loading import Archive, Story
from voices.site.addresses import absolute_url, story_url


def display_date(value: str) -> str:
    """``2019-06-14`` → ``14 June 2019``; ``2019-06`` → ``June 2019``; ``2019`` stays: no day is invented."""
    parts = value.split("-")
    if len(parts) == 1:
        return parts[0]
    month = calendar.month_name[int(parts[1])]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def _sentence(text: str) -> str:
    """End with a full stop unless the text already ends a sentence (``Why now?``)."""
    return text if text.endswith((".", "?", "!")) else text + "."


def _and_list(names: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def citation_text(story: Story, archive: Archive) -> str:
    """Plain text for a "cite this story" block; ``[date]`` is left for the reader to fill in.

    Drafts are allowed (a preview build shows them); a withdrawn story is never cited.
    """
    meta = story.meta
    if meta.status == "withdrawn":
        raise ValueError(f"{story.slug} is withdrawn: its page carries nothing of the story")
    parts = []
    if meta.authors:
        parts.append(_sentence(_and_list(meta.authors)))
    parts.append(_sentence(meta.title or ""))
    parts.append(f"{archive.settings.name}, {display_date(meta.date)}.")
    parts.append(f"{absolute_url(archive.settings.site_url, story_url(story.slug))} (accessed [date]).")
    return " ".join(parts)
