"""Where things live in the archive's repository (shared by loading, renaming and withdrawing)."""

SETTINGS_FILE = "archive.yml"
TAXONOMY_FILE = "taxonomy.yml"
STORIES_DIR = "stories"
AREAS_DIR = "areas"
DOCS_DIR = "docs"
TEMPLATE_FILE = (
    f"{STORIES_DIR}/_template.md"  # the story template: `voices new` and the guide use it
)
DATES_FILE = (
    "last-modified.txt"  # pages' dates where there is no git history (a preservation package)
)
