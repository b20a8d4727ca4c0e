"""Generate a corpus of N plainly fictitious stories for benchmarks, over the real areas and taxonomy.

Usage: python scripts/make_corpus.py N DIR

DIR becomes an archive: the repository's archive.yml, taxonomy.yml, areas/ and story template,
plus N stories in DIR/stories/. Deterministic: the same N gives byte-identical files (each
story has its own seeded generator, so story 42 reads the same at every N except where it
links). Every story is
titled "Example story 00042: ..." and opens by saying it is generated text that describes no
real event; people are "Example Resident 00042", never real names.

What a story holds, roughly as real ones do: ~800 words in paragraphs under 3-5 headings,
a bulleted list or two, 2-4 ``story:`` links to other published generated stories and one
``area:`` link; one in five is an interview naming a person (with consent recorded); about 5 %
are folders with a small generated JPEG as the story's photo (with alt text); one in 200 is
a draft and one in 200 withdrawn; one in 100 carries an old address (a redirect).
Words follow a Zipf-like distribution over a community-work vocabulary and a long tail of
made-up rarer words, so search sees common and rare terms as in real text.
"""

from __future__ import annotations

import io
import random
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = "voices-corpus-1"
WIDTH = 5  # digits in slugs and titles: example-story-00042


def _split(text: str) -> list[str]:
    return text.split()


# Common English words first (most frequent), then the archive's subject matter.
_FUNCTION = _split("""the of and to a in that is was for it with as on be at by this had not are but from
or have an they which one you were all we her she there would their will when who him been has
more if no out so said what up its about than into them can only other new some could time these
two may then do first any my now such like our over man me even most made after also did many
before must through back years where much your way well down should because each just those
people how too little state good very make world still own see men work long get here between
both life being under never day same another know while last might us great old year off come
since against go came right used take three""")
_SUBJECT = _split("""community residents partnership hub volunteers funding legacy local trust area plan
money space youth club transport neighbours group meeting project council centre park garden
family children school church library market shop street estate town village housing health
food bank pantry cafe kitchen allotment orchard playground football sport walking cycling bus
festival music theatre mural art craft heritage history memory photographs exhibition film radio
podcast newsletter website leaflet survey consultation vote decision board chair treasurer
secretary worker officer grant budget accounts report review evaluation learning training course
skills confidence jobs employment enterprise business charity trustees company assets building
hall lease repairs roof energy solar insulation warm winter summer spring autumn weekend evening
morning elders older younger students apprentices mentors coaches nurses doctors police wardens
bins litter cleanup trees flowers pond river canal beach seafront woodland path bridge road
parking traffic safety lighting benches toilets disabled access ramp lift carers loneliness
friendship coffee lunch dinner breakfast picnic celebration anniversary launch opening closing
celebrated opened closed started finished planned decided agreed funded built painted planted
cleaned repaired organised hosted invited welcomed listened talked learned shared supported
helped worked together happy proud tired busy quiet loud friendly welcoming open small large
bigger smaller longer shorter stronger better worse difficult easy important useful regular
weekly monthly yearly annual local national regional central northern southern eastern western
coastal rural urban former current future past present ideas stories voices change power
leadership influence campaign petition support advice debt benefits welfare digital computers
phones internet online offline zoom pandemic lockdown recovery resilience wellbeing mental
physical activity exercise swimming dancing singing choir band drama poetry writing reading
books toys games bingo quiz raffle tombola bakery baking cooking recipes vegetables fruit
compost bees birds wildlife hedgehogs butterflies flowerbeds planters greenhouse polytunnel
workshop toolshed bikes scooters minibus taxi station platform timetable route stop shelter""")
# Made-up words for the long tail: rare names, places and terms real stories are full of.
_ONSETS = [
    "b",
    "br",
    "c",
    "ch",
    "cl",
    "d",
    "dr",
    "f",
    "g",
    "gl",
    "h",
    "k",
    "l",
    "m",
    "n",
    "p",
    "pr",
    "r",
    "s",
    "sh",
    "st",
    "t",
    "th",
    "tr",
    "v",
    "w",
    "wh",
    "y",
]
_NUCLEI = ["a", "e", "i", "o", "u", "ai", "ea", "oo", "ou", "ie"]
_CODAS = ["", "n", "r", "l", "m", "st", "nd", "ck", "th", "x", "ng", "rk", "ll", "sh"]
_TAIL_SIZE = 6000

NOTICE = (
    "This is generated example text for the archive's performance benchmark; "
    "it describes no real event, place or person."
)
KINDS = ["story"] * 10 + ["interview"] * 5 + ["report"] * 3 + ["blog"] * 2
OTHER_PROGRAMMES_EVERY = 6  # one story in six belongs to a programme other than big-local


def _vocabulary() -> tuple[list[str], list[float]]:
    """Words in rank order and their cumulative Zipf weights (s = 1.05)."""
    rng = random.Random(f"{SEED}-vocabulary")
    seen = set(_FUNCTION) | set(_SUBJECT)
    tail: list[str] = []
    while len(tail) < _TAIL_SIZE:
        word = "".join(
            rng.choice(_ONSETS) + rng.choice(_NUCLEI) for _ in range(rng.choice((2, 2, 3)))
        )
        word += rng.choice(_CODAS)
        if len(word) >= 5 and word not in seen:
            seen.add(word)
            tail.append(word)
    words = _FUNCTION + _SUBJECT + tail
    cumulative, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1 / rank**1.05
        cumulative.append(total)
    return words, cumulative


WORDS, _CUMULATIVE = _vocabulary()


def _words(rng: random.Random, count: int) -> list[str]:
    return rng.choices(WORDS, cum_weights=_CUMULATIVE, k=count)


def _sentence(rng: random.Random, words: list[str]) -> str:
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def status_of(index: int) -> str:
    """Which stories are drafts and which withdrawn: fixed by number, so links can avoid them."""
    if index % 200 == 199:
        return "draft"
    if index % 200 == 99:
        return "withdrawn"
    return "published"


def slug_of(index: int) -> str:
    return f"example-story-{index:0{WIDTH}d}"


def _date(rng: random.Random) -> str:
    year = rng.randint(2012, 2026)
    month = rng.randint(1, 3 if year == 2026 else 12)
    return f"{year}-{month:02d}-{rng.randint(1, 28):02d}"


def _link_target(rng: random.Random, index: int, count: int) -> int | None:
    for _ in range(20):
        other = rng.randrange(count)
        if other != index and status_of(other) == "published":
            return other
    return None


def _body(rng: random.Random, index: int, count: int, area_slugs: list[str]) -> str:
    """About 800 words: an opening notice, then sections with paragraphs, lists and links."""
    out = [NOTICE]
    links = rng.randint(2, 4)
    sections = rng.randint(3, 5)
    list_sections = set(rng.sample(range(sections), rng.randint(1, 2)))
    budget = rng.randint(520, 680)  # paragraphs overrun it: ~800 words in all
    per_section = budget // sections
    for section in range(sections):
        out.append("## " + _sentence(rng, _words(rng, rng.randint(2, 5)))[:-1])
        written = 0
        while written < per_section:
            sentences = []
            for _ in range(rng.randint(3, 6)):
                words = _words(rng, rng.randint(8, 22))
                written += len(words)
                if links and rng.random() < 0.12:
                    target = _link_target(rng, index, count)
                    if target is not None:
                        at = rng.randrange(1, len(words))
                        words[at] = (
                            f"[{words[at]} {' '.join(_words(rng, 2))}](story:{slug_of(target)})"
                        )
                        links -= 1
                sentences.append(_sentence(rng, words))
            out.append(" ".join(sentences))
        if section in list_sections:
            out.append(
                "\n".join(
                    "- " + _sentence(rng, _words(rng, rng.randint(3, 9)))
                    for _ in range(rng.randint(3, 5))
                )
            )
    area = rng.choice(area_slugs)
    out.append(f"Read more about [the area](area:{area}) on its own page.")
    return "\n\n".join(out) + "\n"


def _jpeg(rng: random.Random) -> bytes:
    """A small photo-like JPEG: a gradient with a few shapes (no metadata)."""
    from PIL import Image, ImageDraw

    width, height = 960, 640
    top, bottom = (
        [rng.randrange(40, 220) for _ in range(3)],
        [rng.randrange(40, 220) for _ in range(3)],
    )
    image = Image.linear_gradient("L").resize((width, height))
    image = Image.merge(
        "RGB",
        [image.point(lambda v, a=a, b=b: a + (b - a) * v // 255) for a, b in zip(top, bottom)],
    )
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(width), rng.randrange(height)
        size = rng.randrange(20, 200)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x, y, x + size, y + size * 2 // 3), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def story_text(
    index: int, count: int, area_slugs: list[str], themes: list[str], programmes: list[str]
) -> tuple[str, bytes | None]:
    """One story's file text, and its photo's bytes when it is a folder story."""
    rng = random.Random(f"{SEED}-story-{index}")
    slug = slug_of(index)
    title = (
        f"Example story {index:0{WIDTH}d}: " + _sentence(rng, _words(rng, rng.randint(3, 7)))[:-1]
    )
    date = _date(rng)
    areas = rng.sample(area_slugs, 2 if rng.random() < 0.1 else 1)
    story_themes = rng.sample(themes, rng.randint(1, 3))
    kind = rng.choice(KINDS)
    programme = rng.choice(programmes[1:]) if index % OTHER_PROGRAMMES_EVERY == 5 else programmes[0]
    status = status_of(index)
    photo = _jpeg(rng) if rng.random() < 0.05 and status != "withdrawn" else None
    lines = ["---", f'title: "{title}"', f"date: {date}"]
    if status == "withdrawn":
        lines += [
            f"areas: [{', '.join(areas)}]",
            f"themes: [{', '.join(story_themes)}]",
            "status: withdrawn",
            "withdrawn:",
            f"  date: 2026-0{1 + index % 3}-15",
            "  reason: at-request-of-contributor",
            "---",
            "",
        ]
        return "\n".join(lines), None
    summary = (
        "Generated example text for the performance benchmark, about "
        + " ".join(_words(rng, rng.randint(6, 14)))
        + "."
    )
    lines += [
        f'summary: "{summary}"',
        f"areas: [{', '.join(areas)}]",
        f"themes: [{', '.join(story_themes)}]",
        f"kind: {kind}",
        f"programme: {programme}",
        'authors: ["Example Author"]',
    ]
    if kind == "interview":
        lines += [
            f'people: ["Example Resident {index:0{WIDTH}d}"]',
            "consent:",
            f"  recorded: {date[:4]}-06-01",
            f"  reference: VBL-{date[:4]}-{index:0{WIDTH}d}",
            "  scope: [web, archive]",
        ]
    if photo is not None:
        lines += [
            "image:",
            "  src: photo.jpg",
            f'  alt: "Generated picture for example story {index:0{WIDTH}d}: coloured shapes on a gradient"',
            '  credit: "Generated for the benchmark"',
        ]
    if index % 100 == 7:
        lines.append(f"aliases: [/stories/old-{slug}/]")
    if index % 500 == 3:
        lines.append("featured: true")
    if status == "draft":
        lines.append("status: draft")
    lines += ["---", "", _body(rng, index, count, area_slugs)]
    return "\n".join(lines), photo


def write_corpus(root: Path, count: int, source: Path = ROOT) -> None:
    """Make ``root`` an archive of ``count`` generated stories over ``source``'s areas and taxonomy."""
    import yaml

    root.mkdir(parents=True, exist_ok=True)
    for name in ("archive.yml", "taxonomy.yml"):
        shutil.copy(source / name, root / name)
    shutil.rmtree(root / "areas", ignore_errors=True)
    shutil.copytree(source / "areas", root / "areas")
    for area in sorted(
        (root / "areas").rglob("*.md")
    ):  # the repository's stories are not in the corpus:
        text = area.read_text(encoding="utf-8")  # links to them become their text
        area.write_text(re.sub(r"\[([^\]]*)\]\(story:[^)]*\)", r"\1", text), encoding="utf-8")
    (root / "docs").mkdir(exist_ok=True)
    stories = root / "stories"
    shutil.rmtree(stories, ignore_errors=True)
    stories.mkdir()
    if (source / "stories" / "_template.md").is_file():  # the guide shows it
        shutil.copy(source / "stories" / "_template.md", stories / "_template.md")
    area_slugs = sorted(
        p.stem if p.suffix == ".md" else p.name
        for p in (source / "areas").iterdir()
        if p.suffix == ".md" or (p / "index.md").is_file()
    )
    taxonomy = yaml.safe_load((source / "taxonomy.yml").read_text(encoding="utf-8"))
    themes = [entry["slug"] for entry in taxonomy["themes"]]
    programmes = [entry["slug"] for entry in taxonomy["programmes"]]
    programmes.sort(key=lambda slug: slug != "big-local")  # big-local first: most stories are in it
    for index in range(count):
        text, photo = story_text(index, count, area_slugs, themes, programmes)
        if photo is None:
            (stories / f"{slug_of(index)}.md").write_text(text, encoding="utf-8")
        else:
            folder = stories / slug_of(index)
            folder.mkdir()
            (folder / "index.md").write_text(text, encoding="utf-8")
            (folder / "photo.jpg").write_bytes(photo)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[0].isdigit():
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    write_corpus(Path(argv[1]), int(argv[0]))
    print(f"Wrote {argv[0]} generated stories to {argv[1]}/stories")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
