"""England's nine regions (ONS) and a generous box around the country: fixed by geography, not
content, so they live in code."""

from __future__ import annotations

# England's nine regions (ONS). Fixed by geography, not content, so they live in code.
REGIONS: dict[str, str] = {
    "north-east": "North East",
    "north-west": "North West",
    "yorkshire-and-the-humber": "Yorkshire and The Humber",
    "east-midlands": "East Midlands",
    "west-midlands": "West Midlands",
    "east-of-england": "East of England",
    "london": "London",
    "south-east": "South East",
    "south-west": "South West",
}
# A generous box around England (Isles of Scilly to Berwick, Cornwall to Lowestoft): catches
# swapped lat/lon and places abroad without claiming to know the exact border.
ENGLAND_BOUNDS = {"lat": (49.8, 55.9), "lon": (-6.5, 1.8)}
