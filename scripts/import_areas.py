"""Write one area file per row of the fact table ``areas.csv`` (run once; kept to show how).

Usage: python scripts/import_areas.py PATH/TO/areas.csv [--facts PATH/TO/area_facts.yml]

Only facts the table holds are written, each with its source; a gap stays a gap. An existing
area file is never overwritten, because staff may have improved it since.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from voices.content.contract import slugify
from voices.content.england import REGIONS

NAME_SOURCE_NOTE = (
    "Name, as listed in a 2018 list of the 150 Big Local areas held in a third-party app"
)
REGION_BY_LABEL = {label.lower(): slug for slug, label in REGIONS.items()}


def sources_for(row: dict[str, str]) -> list[dict[str, str]]:
    """Turn the table's ``source`` column into the area's ``sources`` list."""
    sources: list[dict[str, str]] = []
    la_url = ""
    for part in row["source"].split(" | "):
        label, _, text = part.partition(": ")
        if label == "name":
            sources.append({"ref": text, "note": NAME_SOURCE_NOTE})
        elif label == "LA":
            la_url = text
            sources.append({"url": text, "note": "Local authority"})
        elif label == "region":
            url = re.match(r"(https?://\S+)(?:\s+\((.*)\))?$", text)
            if url:
                sources.append(
                    {"url": url.group(1), "note": f"Region ({url.group(2) or 'stated'})"}
                )
            elif text.startswith("same ") and la_url:
                what = text.removeprefix("same ").strip()
                if what.startswith("page: "):
                    note = f"Region: the same page says {what.removeprefix('page: ')}"
                else:
                    note = f"Region: the same {what}"
                sources.append({"url": la_url, "note": note})
            elif "derived from LA" in text:
                lookup = text.split(": ", 1)[1] if ": " in text else text
                sources.append(
                    {
                        "ref": f"ONS Local Authority District to Region (December 2020) lookup; copy at {lookup}",
                        "note": "Region, derived from the local authority",
                    }
                )
            else:
                sources.append({"ref": text, "note": "Region"})
    return sources


def area_file(row: dict[str, str]) -> str:
    data: dict[str, object] = {"name": row["name"], "programmes": ["big-local"]}
    if row["local_authority"]:
        data["local_authority"] = row["local_authority"]
    if row["region"]:
        data["region"] = REGION_BY_LABEL[row["region"].lower()]
    data["sources"] = sources_for(row)
    front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{front}---\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path)
    parser.add_argument(
        "--areas", type=Path, default=Path(__file__).resolve().parent.parent / "areas"
    )
    args = parser.parse_args()
    args.areas.mkdir(exist_ok=True)
    written = 0
    with args.csv.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            target = args.areas / f"{row['slug'] or slugify(row['name'])}.md"
            if target.exists():
                continue
            target.write_text(area_file(row), encoding="utf-8")
            written += 1
    print(f"{written} area files written to {args.areas}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
