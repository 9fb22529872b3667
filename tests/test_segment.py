"""Pages → articles on the real seed pages: headlines, sources, bylines, tables, nothing lost."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from conftest import by_title
from gba_tui.corpus.segment import segment_page

PAGE_HEADLINES = {
    "000_d921b2ee65c7f66c.txt": [
        "內地發布科技保險高質量發展路線圖",
        "港「大腦」鏈接內地產業 「實驗室論文」落地走向市場 資源互通 灣區成全球第一創新集群",
        "廣東擬設「科創特區」 加快新業態育成",
        "粵港澳院士聚南沙 建言灣區科創發展",
    ],
    "001_8fbebc61c31cc913.txt": [
        "粵港聯手引進科企 加快河套建設",
        "加強粵港澳高校人才聯通 促進科創",
        "灣區聯動歐亞 港擔當「一帶一路」超級聯繫人",
        "香港專班建「出海母港」支援內企",
    ],
    "003_467b954d3e2b3a27.txt": [
        "資本賦能灣區創科 港金融展優勢",
        "港投扶持 AI明星「獨角獸」加速技術落地",
        "深港穗拆牆鬆綁 續推市場一體化發展",
        "內地擴大服務消費 將在50城試點新業態",
        "世界互聯網大會 西安首辦文遺數字化論壇",
    ],
    "004_761257e38312902a.txt": [
        "AI未来产业前沿领域迎专属科技保险",
        "市值管理不是蹭热点走捷径",
        "全国统一大市场建设提速 省际贸易额增4.5%",
        "交易商协会:引导企业发行中长期科技创新债券",
    ],
}


@pytest.mark.parametrize("path", sorted(PAGE_HEADLINES))
def test_each_page_gives_its_articles_by_headline(corpus, path):
    assert [a.title for a in corpus.articles_on(path)] == PAGE_HEADLINES[path]


def test_wen_wei_po_page_keeps_main_story_and_two_line_headline(corpus):
    arts = corpus.articles_on("002_fae5498d62657f38.txt")
    assert len(arts) == 2
    main, second = arts
    # The banner: the headline (largest type, fewest characters) and its kicker.
    assert main.title == "灣區科創登頂全球榜單"
    assert main.kicker.startswith("「國之重器」＋跨境合作")
    # A headline printed over two lines comes back joined.
    assert second.title == "香港「軟件」+內地「硬件」 推前沿技術突破"


def test_about_eighteen_articles(articles):
    assert 16 <= len(articles) <= 20


def test_sources_recognised(articles):
    sources = Counter(a.source for a in articles)
    assert set(sources) == {"大公報", "香港文匯報", "北京商報"}
    assert sources["北京商報"] == 4 and sources["香港文匯報"] == 2


@pytest.mark.parametrize(
    "title, names, city",
    [
        ("粵港澳院士聚南沙", ("李紫妍",), "廣州"),
        ("世界互聯網大會", ("李陽波", "張仕珍"), "西安"),
        ("港「大腦」", ("毛麗娟",), ""),
        ("粵港聯手引進科企", ("盧靜怡",), "廣州"),
        ("深港穗拆牆鬆綁", ("黃寶儀",), ""),
        ("AI未来产业", ("李秀梅",), ""),
        ("交易商协会", ("宋亦桐",), ""),
        ("市值管理", ("董亮",), ""),
    ],
)
def test_bylines_and_datelines(articles, title, names, city):
    a = by_title(articles, title)
    assert a.byline == names
    assert a.dateline == city


def test_wen_wei_po_byline_with_bullet(corpus):
    main = corpus.articles_on("002_fae5498d62657f38.txt")[0]
    assert main.byline == ("黃寶儀",) and main.source == "香港文匯報" and main.dateline == "廣州"


def test_kicker_and_subtitle(articles):
    a = by_title(articles, "資本賦能灣區創科")
    assert a.kicker == "新聞熱話"
    assert a.subtitle == "香港市場提供全生命周期資本支持 助初創企業快速成長"
    b = by_title(articles, "市值管理")
    assert "西街观察" in b.kicker


def test_ranking_table_structured(articles):
    a = by_title(articles, "資本賦能灣區創科")
    assert len(a.tables) == 1
    t = a.tables[0]
    assert t.title == "2025年全球創新集群"
    assert t.header[0] == "排名" and len(t.header) == 5
    assert len(t.data_rows) == 5
    assert t.data_rows[0] == ("1", "深圳—香港—廣州", "117542", "193635", "6916")
    assert t.data_rows[2] == ("3", "聖何塞—三藩市", "50813", "56510", "16296")
    assert "世界知識產權組織" in t.source_note


def test_words_broken_across_lines_are_whole(corpus):
    main = corpus.articles_on("002_fae5498d62657f38.txt")[0]
    assert "中國散裂中子源" in main.body
    assert "香港科技大學（廣州）的科研力量" in main.body
    assert "Qualified Foreign Limited Partnership" in main.body
    sent = by_title(corpus.articles, "內地發布科技保險")
    assert "加強對新興產業和未來產業的投資布局" in sent.body


def test_headline_not_glued_to_paragraph(corpus):
    for a in corpus.articles:
        for p in a.paragraphs:
            if p in a.subheadings:
                continue
            assert not p.startswith(a.title), a.id
    main = corpus.articles_on("002_fae5498d62657f38.txt")[0]
    assert "前沿科研持續突破" in main.subheadings
    assert "前沿科研持續突破" in main.paragraphs  # in place, as its own paragraph


def test_stray_spaces_dropped_between_chinese(corpus):
    main = corpus.articles_on("002_fae5498d62657f38.txt")[0]
    assert "地下700米處" in main.body
    assert "聞名的「世界工廠」" in main.body


def test_paragraph_breaks_kept(articles):
    a = by_title(articles, "內地發布科技保險")
    assert a.body.count("\n\n") >= 6
    assert a.paragraphs[0].startswith("【大公報訊】據新華社報道")


def test_captions_and_boxes_stay_with_their_article(articles):
    a = by_title(articles, "粵港聯手引進科企")
    assert len(a.captions) == 3 and all(c.startswith(("▲", "▶")) for c in a.captions)
    assert any(b.title == "廣東新興產業發展重點" for b in a.boxes)
    b = by_title(articles, "內地擴大服務消費")
    assert b.boxes[0].title == "新措三大亮點"
    assert any("擴大長期護理保險制度覆蓋面" in line for line in b.boxes[0].lines)
    assert b.captions[0].endswith("新華社")


def _content_chars(text: str) -> Counter:
    # Whitespace and the hyphen that broke "Partner-/ship" are layout, not content.
    text = re.sub(r"(?<=[A-Za-z])-\s*\n\s*(?=[A-Za-z])", "", text)
    return Counter(c for c in text if not c.isspace())


def test_nothing_lost_nothing_doubled_by_characters(corpus):
    for page in corpus.pages:
        arts = segment_page(page)
        got = Counter()
        for a in arts:
            got += _content_chars(a.full_text)
        assert got == _content_chars(page.text), page.path


def test_every_line_lands_in_exactly_one_article(corpus):
    for page in corpus.pages:
        arts = segment_page(page)
        spans = [(a.line_start, a.line_end) for a in arts]
        for (_s1, e1), (s2, _e2) in zip(spans, spans[1:], strict=False):
            assert e1 < s2
        for n, line in enumerate(page.lines, start=1):
            if not line.strip():
                continue
            owners = [a for a in arts if a.line_start <= n <= a.line_end]
            assert len(owners) == 1, (page.path, n)
            # The line's text (without spaces) is inside that article's text.
            probe = re.sub(r"\s+", "", line)[:12].rstrip("-")
            assert probe in re.sub(r"\s+", "", owners[0].full_text), (page.path, n, probe)


@pytest.mark.parametrize(
    "sentence",
    [
        "從6方面提出20項舉措",
        "首次超越日本的「東京—橫濱」集群",
        "已為超過10%的港澳用戶提供科研服務",
        "香港作為內地企業首選的「出海母港」已整裝待發",
        "首台(套)设备市场难打开",
        "科技型企业发行的科技创新债券期限应为270天及以上",
    ],
)
def test_sampled_sentences_appear_once(articles, sentence):
    hits = [a.id for a in articles if sentence in re.sub(r"\s+", "", a.full_text)]
    assert len(hits) == 1, hits


def test_ids_stable_across_runs(seeds):
    from gba_tui.corpus.library import load_corpus

    first = [a.id for a in load_corpus(seeds).articles]
    second = [a.id for a in load_corpus(seeds).articles]
    assert first == second and len(set(first)) == len(first)


def test_provenance_line_ranges(articles):
    a = by_title(articles, "交易商协会")
    assert a.path == "004_761257e38312902a.txt"
    assert (a.line_start, a.line_end) == (103, 117)


def test_markdown_headings_in_a_users_folder():
    # "# " opens an article and "## " heads a section inside it; the markers are not text.
    from gba_tui.corpus.model import Page

    text = (
        "# 深圳前海推出跨境金融新措施\n\n本報記者 陳大文 深圳報道\n\n"
        "前海管理局昨日公布十項跨境金融便利措施，涵蓋跨境理財通、\nQFLP試點擴容等範疇。\n\n"
        "## 專家：有利港深融合\n\n中山大學粵港澳發展研究院教授表示，措施回應了業界訴求。\n\n"
        "# 南沙新政\n\n南沙昨日公布新一輪人才政策。\n"
    )
    first, second = segment_page(Page("own.md", text, "utf-8", "0"))
    assert (first.title, second.title) == ("深圳前海推出跨境金融新措施", "南沙新政")
    assert first.subheadings == ("專家：有利港深融合",)
    assert first.paragraphs[0].endswith("QFLP試點擴容等範疇。")
    assert "#" not in first.body + second.body and first.byline_names == "陳大文"


def test_report_without_headline_is_titled_by_its_lead():
    from gba_tui.corpus.model import Page

    text = (
        "南方日报讯 (记者/李明) 广州南沙昨日举行科技创新大会，发布人工智能产业扶持政策。\n\n"
        "据介绍，南沙将设立100亿元产业基金，重点支持具身智能、低空经济等领域。\n"
    )
    (article,) = segment_page(Page("own.txt", text, "utf-8", "0"))
    assert article.title == "广州南沙昨日举行科技创新大会" and not article.title_printed
    assert article.byline_names == "李明" and article.source == "南方日報"
