"""Property test: any page, however its lines are shuffled or damaged, is cut into articles
with nothing lost and nothing doubled, and segmentation never raises."""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEEDS
from gba_tui.corpus.model import Page
from gba_tui.corpus.segment import segment_page

SEED_LINES = [
    line
    for p in sorted(SEEDS.glob("*.txt"))
    for line in p.read_text("utf-8").split("\n")
    if line.strip()
]

LINES = st.one_of(
    st.sampled_from(SEED_LINES),
    st.sampled_from(SEED_LINES).map(lambda s: s[: max(1, len(s) // 3)]),  # a line cut short
    st.text(alphabet="科技保險灣區港「」《》，。、：0123456789AI\t ▲●-【】訊記者", max_size=40),
    st.just(""),
)


def content(text: str) -> Counter:
    text = re.sub(r"(?<=[A-Za-z])-\s*\n\s*(?=[A-Za-z])", "", text)
    return Counter(c for c in text if not c.isspace())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINES, min_size=1, max_size=60))
def test_nothing_lost_nothing_doubled(lines):
    text = "\n".join(lines)
    page = Page("fuzz.txt", text, "utf-8", "0")
    articles = segment_page(page)
    # The page's running header and footer lines are page metadata, carried once for the page.
    got = content("\n".join(articles[0].page_header)) if articles else Counter()
    for a in articles:
        got += content(a.full_text)
        assert a.title
        assert a.page_header == articles[0].page_header
    assert got == content(text)
    spans = sorted((a.line_start, a.line_end) for a in articles)
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert end < start
