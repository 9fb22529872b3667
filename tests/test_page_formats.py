"""Pages of other papers and agencies, written for these tests in the formats real pages print:
wire leads, page headers, hard wraps without blank lines, captions, columns, web headers.

Each test names the kind of failure it guards against; the sentences are our own."""

from __future__ import annotations

from collections import Counter

import pytest

from gba_tui.corpus.model import Page
from gba_tui.corpus.segment import segment_page


def page(text: str, path: str = "own.txt") -> list:
    return segment_page(Page(path, text, "utf-8", "0"))


def wrap(text: str, width: int) -> list[str]:
    """Hard-wrap each paragraph at a fixed number of characters, as PDF extraction does."""
    out: list[str] = []
    for para in text.strip().split("\n"):
        para = para.strip()
        while len(para) > width:
            out.append(para[:width])
            para = para[width:]
        if para:
            out.append(para)
    return out


def content(text: str) -> Counter:
    return Counter(c for c in text if not c.isspace())


def assert_nothing_lost(text: str, articles: list) -> None:
    got = content("\n".join(articles[0].page_header)) if articles else Counter()
    for a in articles:
        got += content(a.full_text)
    assert got == content(text)


# ---------------------------------------------------------------- headlines with punctuation


@pytest.mark.parametrize(
    "headline",
    [
        "港科大研發新型晶片，能耗降三成",
        "灣區創科融資升溫？業界：仍需耐心資本",
        "前海再推十項措施——港企落戶可獲租金補貼",
    ],
)
def test_headline_with_comma_question_mark_or_dash_is_a_headline(headline):
    text = (
        f"{headline}\n\n"
        "新华社香港3月5日电（记者 林小春）香港一所大学的研究团队今天发布一款新型芯片，"
        "测试显示其能耗比上一代产品低约三成。\n\n"
        "研究团队负责人表示，芯片将先用于数据中心，明年在深圳开始量产。\n"
    )
    (article,) = page(text)
    assert article.title == headline
    assert article.paragraphs[0].startswith("新华社香港3月5日电")
    assert all(headline not in p for p in article.paragraphs)


def test_wire_headline_on_a_page_of_one_line_per_paragraph():
    # No blank lines at all: each paragraph is one line, the headline a short line with a comma.
    text = (
        "南沙設人工智能基金，首期規模五十億元\n"
        "中新社廣州4月2日電 (記者 程景偉 蔡敏婕)廣州南沙區今日宣佈設立人工智能產業基金，首期規模"
        "五十億元，重點投向算力、具身智能和低空經濟等領域的初創企業。\n"
        "南沙區負責人介紹，基金將與香港的投資機構合作，為在南沙落戶的港澳青年創業團隊提供配套資金。\n"
    )
    (article,) = page(text)
    assert article.title == "南沙設人工智能基金，首期規模五十億元"
    assert article.byline == ("程景偉", "蔡敏婕")
    assert len(article.paragraphs) == 2


# ---------------------------------------------------------------- pages of several articles


def _hard_wrapped_page(width: int, blank_between: bool, newline: str) -> str:
    articles = [
        (
            "深圳河套試點跨境科研數據流動",
            "【本報訊】記者 周嘉明 深圳報道：河套深港科技創新合作區昨日公布跨境科研數據流動試點"
            "細則，"
            "首批十家港澳科研機構可將實驗數據在兩地之間按規則傳輸。\n"
            "合作區負責人表示，試點將在半年後評估，再決定是否擴大範圍。",
        ),
        (
            "澳門高校與橫琴共建實驗室",
            "【本報訊】記者 梁詠詩 澳門報道：澳門一所大學與橫琴粵澳深度合作區簽署協議，"
            "共建中醫藥與人工智能聯合實驗室，首期投入兩億元。\n"
            "校方指出，實驗室將招收兩地研究生，畢業生可在合作區就業。",
        ),
        (
            "東莞松山湖引進機械人企業",
            "【本報訊】記者 何志強 東莞報道：松山湖科學城本月新引進八家機械人企業，"
            "去年園區機械人產業產值增長2" + "3.2%，高於全市平均水平。\n"
            "園區將為企業提供中試車間和人才公寓。",
        ),
        (
            "珠海設低空經濟示範區",
            "【本報訊】記者 鄭曉彤 珠海報道：珠海市政府昨日宣佈設立低空經濟示範區，"
            "首批開通六條無人機物流航線，連接市區與海島。\n"
            "市政府表示，示範區將吸引港澳企業參與航線運營。",
        ),
    ]
    lines = ["香港新報 2025年4月11日 星期五 A12 大灣區"]
    if blank_between:
        lines.append("")
    for headline, body in articles:
        lines.append(headline)
        for para in body.split("\n"):
            lines.extend(wrap(para, width))
            if blank_between:
                lines.append("")
    lines.append("- 12 -")
    return newline.join(lines) + newline


@pytest.mark.parametrize(
    "width, blank_between, newline",
    [(16, False, "\n"), (22, True, "\n"), (30, False, "\r\n"), (38, True, "\r\n")],
)
def test_hard_wrapped_page_gives_every_article(width, blank_between, newline):
    text = _hard_wrapped_page(width, blank_between, newline).replace("\r\n", "\n")
    articles = page(text)
    assert [a.title for a in articles] == [
        "深圳河套試點跨境科研數據流動",
        "澳門高校與橫琴共建實驗室",
        "東莞松山湖引進機械人企業",
        "珠海設低空經濟示範區",
    ]
    # The page header is the page's, not a headline or a kicker; every article carries it.
    assert all(a.kicker == "" and a.subheadings == () for a in articles)
    assert all("香港新報 2025年4月11日 星期五 A12 大灣區" in a.page_header for a in articles)
    assert [a.byline for a in articles] == [("周嘉明",), ("梁詠詩",), ("何志強",), ("鄭曉彤",)]
    assert [a.dateline for a in articles] == ["深圳", "澳門", "東莞", "珠海"]
    assert {a.date for a in articles} == {"2025-04-11"}
    assert {a.source for a in articles} == {"香港新報"}
    # A number wrapped across two lines comes back whole.
    assert "增長23.2%" in articles[2].body
    assert_nothing_lost(text, articles)


def test_page_header_with_slashes_dates_the_page():
    text = (
        "南方日报/2025 年/4 月/11 日/第 005 版\n\n"
        "广州发布人形机器人产业行动方案\n\n"
        "南方日报讯（记者 王子文 通讯员 穗科宣）广州市昨日发布人形机器人产业行动方案，"
        "提出三年内培育十家龙头企业。\n"
    )
    (article,) = page(text)
    assert article.title == "广州发布人形机器人产业行动方案"
    assert article.source == "南方日報" and article.date == "2025-04-11"
    assert article.byline == ("王子文", "穗科宣")


# ---------------------------------------------------------------- captions


def test_headline_followed_by_a_caption_opens_a_new_article():
    text = (
        "港企北上設研發中心\n\n"
        "【本報訊】記者 陳家樂 報道：多家香港科技企業今年在深圳設立研發中心，"
        "看中當地的供應鏈和人才。"
        "業界預計這一趨勢將持續。\n\n"
        "創科展覽吸引逾萬人次\n\n"
        "▲市民在展館內體驗機械人導覽。本報記者 陳家樂 攝\n\n"
        "為期三天的創科展覽昨日閉幕，主辦方表示入場人次超過一萬，較去年增加兩成。"
        "展覽共有一百二十家企業參展，其中三成來自大灣區內地城市。\n"
    )
    first, second = page(text)
    assert second.title == "創科展覽吸引逾萬人次"
    assert [c.replace(" ", "") for c in second.captions] == [
        "▲市民在展館內體驗機械人導覽。本報記者陳家樂攝"
    ]
    assert second.paragraphs[0].startswith("為期三天的創科展覽昨日閉幕")


def test_caption_ends_at_a_blank_line_and_at_its_credit():
    text = (
        "橫琴口岸實施新通關模式\n\n"
        "【本報訊】記者 黃美玲 珠海報道：橫琴口岸昨日起實施合作查驗、一次放行的通關模式，"
        "旅客通關時間縮短至約一分鐘\n\n"
        "旅客在橫琴口岸通過自助通道（資料圖片）\n"
        "口岸方面表示，新模式試行一個月以來運作暢順，高峰時段也未出現長時間排隊。\n\n"
        "市民在口岸大堂排隊等候\n\n"
        "據統計，口岸日均客流已超過五萬人次，其中澳門居民佔七成。\n"
    )
    (article,) = page(text)
    assert "旅客在橫琴口岸通過自助通道（資料圖片）" in article.captions
    assert any(p.startswith("口岸方面表示") for p in article.paragraphs)
    assert any(p.startswith("據統計") for p in article.paragraphs)


# ---------------------------------------------------------------- columns


def test_columnist_name_under_a_column_headline_is_not_glued_to_it():
    text = (
        "科創觀察\n"
        "灣區人才流動要靠制度銜接\n"
        "周志遠\n\n"
        "人才是創新的第一資源。過去幾年，大灣區在職稱互認、稅收優惠等方面出台了不少措施，"
        "但要讓人才真正流動起來，還需要在社保、醫療和子女教育上進一步銜接。\n\n"
        "筆者認為，各地可先從共享人才數據做起，讓政策更有針對性。\n"
    )
    (article,) = page(text)
    assert article.title == "灣區人才流動要靠制度銜接"
    assert "周志遠" not in article.title
    assert article.byline == ("周志遠",)
    assert article.kicker == "科創觀察"


# ---------------------------------------------------------------- leads


@pytest.mark.parametrize(
    "lead, source, agency, reporters, dateline",
    [
        ("（中央社記者鍾佑貞香港22日電）", "中央社", "", ("鍾佑貞",), "香港"),
        ("中評社香港12月23日電（記者 黎子謙）", "中評社", "", ("黎子謙",), "香港"),
        ("新华社广州6月11日电（记者洪泽华、李晓玲）", "新華社", "", ("洪泽华", "李晓玲"), "广州"),
        ("中新网深圳4月23日电 (记者 朱贺 何俊杰)", "中新社", "", ("朱贺", "何俊杰"), "深圳"),
        ("香港中通社3月9日電(記者 楊明恩", "香港中通社", "", ("楊明恩",), ""),
        ("據新華社香港8月31日電 (記者許曉青)", "", "新華社", ("許曉青",), "香港"),
        ("【香港商報網訊】記者 林敏聰 報道：", "香港商報", "", ("林敏聰",), ""),
        ("本报讯（记者 张晓宁 通讯员 黄嘉欣）", "", "", ("张晓宁", "黄嘉欣"), ""),
        ("【大公報訊】據新華社報道：", "大公報", "新華社", (), ""),
    ],
)
def test_standard_leads_give_source_reporters_and_dateline(
    lead, source, agency, reporters, dateline
):
    text = (
        "灣區科技企業出海提速\n\n"
        f"{lead}大灣區科技企業今年加快開拓海外市場，多家企業在東南亞設立分部，"
        "帶動區內供應鏈企業一同出海。\n\n"
        "業界人士表示，香港的專業服務可為出海企業提供法律和融資支援。\n"
    )
    (article,) = page(text)
    assert article.title == "灣區科技企業出海提速"
    assert article.source == source
    assert article.agency == agency
    assert article.byline == reporters
    assert article.dateline == dateline


def test_names_separated_only_by_spaces_stay_two_names_in_the_text():
    (article,) = page(
        "深圳發布低空經濟新規\n\n"
        "中新网深圳4月23日电 (记者 朱贺 何俊杰)深圳今日发布低空经济管理新规。\n"
    )
    assert "朱贺 何俊杰" in article.paragraphs[0]


def test_web_header_gives_source_and_date():
    text = (
        "香港科學園新一批企業進駐\n"
        "時間：2024-08-31 08:42 來源：香港商報網\n\n"
        "香港科學園本月迎來新一批企業進駐，涵蓋生物醫藥、人工智能和新材料等領域。\n\n"
        "園方表示，今年進駐企業數目已超過去年全年。（記者 何詠欣）\n"
    )
    (article,) = page(text)
    assert article.title == "香港科學園新一批企業進駐"
    assert article.source == "香港商報" and article.date == "2024-08-31"
    assert article.byline == ("何詠欣",)


def test_paper_running_a_wire_keeps_both():
    text = (
        "澳門日報 2025年5月6日 星期二 B3\n\n"
        "琴澳跨境電商平台上線\n\n"
        "新華社澳門5月5日電（記者 郭鑫）橫琴與澳門共建的跨境電商平台今日上線，"
        "首批五十家商戶入駐。\n"
    )
    (article,) = page(text)
    assert (article.source, article.agency) == ("澳門日報", "新華社")
    # The report's day is its dateline's, in the month and year the page header prints.
    assert article.date == "2025-05-05" and article.dateline == "澳門"


def test_dateline_day_with_the_months_and_year_of_a_web_page():
    text = (
        "新华社北京3月5日电（记者 王林）国务院今日提出支持粤港澳大湾区建设国际科技创新中心。\n\n"
        "《人民日报》（2025年03月06日 第 04 版）\n"
    )
    (article,) = page(text)
    assert article.date == "2025-03-05"  # the dateline's day, the year from the citation
    assert article.title == "国务院今日提出支持粤港澳大湾区建设国际科技创新中心"


def test_a_day_alone_in_the_dateline_takes_the_pages_month():
    text = (
        "香港新報 2025年4月1日 星期二 A2\n\n"
        "港大團隊研發新電池\n\n"
        "（中央社記者鍾佑貞香港31日電）香港大學團隊今天公布一款新型固態電池，充電時間縮短一半。\n"
    )
    (article,) = page(text)
    assert article.date == "2025-03-31"


# ---------------------------------------------------------------- reports without a headline


def test_report_without_headline_is_titled_by_its_lead_not_its_dateline():
    text = (
        "中新社香港5月8日電 香港特區政府今日公佈新一輪創科資助計劃，"
        "涵蓋人工智能、生命科技和新能源三大範疇。\n"
    )
    (article,) = page(text)
    assert article.title == "香港特區政府今日公佈新一輪創科資助計劃"
    assert not article.title_printed
    assert article.source == "中新社" and article.dateline == "香港"


def test_new_dateline_opens_a_second_headline_less_report():
    text = (
        "本報訊（記者 李卓然）深圳今年將新建十個人工智能訓練場，向中小企業開放算力資源。"
        "市科技部門表示，訓練場將按使用量收費。\n\n"
        "本報訊（記者 溫嘉儀）廣州黃埔區昨日舉行生物醫藥產業大會，簽約項目總投資逾百億元。"
        "區政府表示，將為項目提供審批綠色通道。\n"
    )
    first, second = page(text)
    assert first.byline == ("李卓然",) and second.byline == ("溫嘉儀",)
    assert second.title == "廣州黃埔區昨日舉行生物醫藥產業大會"


def test_a_number_wrapped_across_lines_is_found_by_search(tmp_path):
    from gba_tui.search.indexer import update_index
    from gba_tui.search.searcher import Library

    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "page.txt").write_text(_hard_wrapped_page(16, False, "\n"), "utf-8")
    update_index(pages, tmp_path / "index")
    library = Library(tmp_path / "index")
    try:
        (hit,) = library.search("23.2%").hits
        assert hit.title == "東莞松山湖引進機械人企業"
        assert library.search('"增長23.2%"').total == 1
    finally:
        library.close()
