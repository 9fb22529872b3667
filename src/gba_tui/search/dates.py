"""The dates a query's date:, after: and before: filters take, in the ISO form articles carry."""

from __future__ import annotations

import re

_ISO_PARTS = re.compile(
    r"\s*(\d{4})(?:\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2}))?)?\s*[月日]?\s*"
)


def iso_date(text: str) -> str:
    """2025-12-22, 2025/12/22, 2025.12, 2025年12月 → 2025-12-22, 2025-12; "" if not a date."""
    m = _ISO_PARTS.fullmatch(text)
    if not m:
        return ""
    parts = [m.group(1)] + [f"{int(g):02d}" for g in m.groups()[1:] if g]
    return "-".join(parts)
