"""CJK line breaking and title order: closing punctuation never opens a line, Latin words stay
whole, long text ends in an ellipsis; titles sort by pinyin."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

from gba_tui.collation import collation_key
from gba_tui.render import NO_LINE_END, NO_LINE_START, wrap_lines, wrap_text


def test_no_line_starts_with_closing_punctuation_in_any_seed_paragraph(articles):
    texts = [p for a in articles for p in (a.title, *a.paragraphs)]
    for width in (8, 11, 17, 24, 37):
        for text in texts:
            lines = wrap_text(Text(text), width)
            assert "".join(x.plain for x in lines).replace(" ", "") == text.replace(" ", "")
            for n, line in enumerate(lines):
                assert cell_len(line.plain) <= width, (width, line.plain)
                if n and line.plain:
                    assert line.plain[0] not in NO_LINE_START, (width, line.plain)
                if n < len(lines) - 1 and line.plain:
                    assert line.plain[-1] not in NO_LINE_END, (width, line.plain)


def test_latin_words_stay_whole_when_they_fit():
    lines = [
        x.plain for x in wrap_text(Text("粵港澳合作推動Qualified Foreign Limited Partner試點"), 12)
    ]
    assert "Qualified" in lines[1] and "Partner" in "".join(lines)
    assert not any(x.endswith("Qualifi") for x in lines)


def test_long_text_ends_with_an_ellipsis_and_keeps_its_styles():
    text = Text("科技保險" * 20)
    text.stylize("bold", 0, 4)
    out = wrap_lines(text, 10, max_lines=3)
    lines = out.plain.split("\n")
    assert len(lines) == 3 and lines[-1].endswith("…") and cell_len(lines[-1]) <= 10
    assert out.spans and out.spans[0].style == "bold"


def test_titles_sort_by_pinyin_in_either_script():
    titles = ["港澳", "深圳", "廣州", "內地", "加快"]
    assert sorted(titles, key=collation_key) == ["港澳", "廣州", "加快", "內地", "深圳"]
    assert collation_key("广州")[1:8] == collation_key("廣州")[1:8] == "guang3 "
    assert sorted(["灣區", "AI產業", "2025年"], key=collation_key) == ["2025年", "AI產業", "灣區"]
