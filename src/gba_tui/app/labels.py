"""Words the explorer shows for its settings (kept light: imported before anything slow)."""

SCRIPT_NAMES = {"orig": "original", "s": "簡體", "t": "繁體"}


def list_entry(title: str, source: str, byline: str) -> tuple[str, str]:
    """A document-list entry: (title, "source · byline"), in whatever script they come in."""
    return title, " · ".join(x for x in (source, byline) if x)
