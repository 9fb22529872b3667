"""Entities on the seed pages, scored against a hand-annotated list; junk never comes back."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import INSURANCE_IDS
from gba_tui.entities.catalogue import catalogue
from gba_tui.entities.extract import extract_entities, gazetteer
from gba_tui.text.script import fold_script

ANNOTATED = Path(__file__).parent / "data" / "entities_annotated.tsv"
TYPES = ("person", "org", "place", "policy")

# Fragments and common words that must never come back as entities. Every false positive
# found goes here.
JUNK = [
    "高水平",
    "大湾",
    "大灣",
    "活水",
    "記者",
    "记者",
    "意見",
    "意见",
    "建立健全",
    "布局",
    "格局",
    "內部",
    "攻堅破局",
    "投資佈局",
    "共生格局",
    "辦公室",
    "內部署",
    "產業鏈部署",
    "重點實驗室",
    "發展格局",
    "協同格局",
    "高校佈局",
    "現場簽署",
    "集群格局",
    "國際化佈局",
    "經濟學院",
    "高科技公司",
    "國家實驗室",
    "研究型大學",
    "行業協會",
    "有限公司",
    "公司",
    "集團",
]


def annotations() -> list[tuple[str, str]]:
    rows = []
    for line in ANNOTATED.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            etype, name = line.split("\t")
            rows.append((etype, name.strip()))
    return rows


def _fold(s: str) -> str:
    return fold_script(s).replace(" ", "").lower()


def entity_scores(entities_of) -> dict[str, dict[str, float]]:
    """Recall and precision per type of the corpus's entities against the annotated list."""
    entries = catalogue(entities_of)
    scores = {}
    for etype in TYPES:
        gold = {_fold(n) for t, n in annotations() if t == etype}
        found = [e for e in entries if e.type == etype]
        forms = [{_fold(e.name), *(_fold(a) for a in e.aliases)} for e in found]
        hit_gold = {g for g in gold if any(g in f for f in forms)}
        right = [f for f in forms if f & gold]
        scores[etype] = {
            "annotated": len(gold),
            "found": len(found),
            "recall": len(hit_gold) / len(gold),
            "precision": len(right) / max(1, len(found)),
            "missed": sorted(gold - hit_gold),
        }
    return scores


def test_recall_and_precision_per_type(library, capsys):
    scores = entity_scores(library.entities_of)
    with capsys.disabled():
        print()
        for etype, s in scores.items():
            print(
                f"  {etype:7} recall {s['recall']:.0%} ({s['annotated']} annotated)"
                f"  precision {s['precision']:.0%} ({s['found']} found)  missed: {s['missed']}"
            )
    for etype in TYPES:
        assert scores[etype]["recall"] >= 0.9, (etype, scores[etype]["missed"])
        assert scores[etype]["precision"] >= 0.6, etype


def test_no_junk_entities(library):
    names = {_fold(e.name) for e in catalogue(library.entities_of)}
    for junk in JUNK:
        assert _fold(junk) not in names, junk


def test_bare_short_reference_is_an_alias_not_an_entity(library):
    entries = catalogue(library.entities_of, ["000_d921b2ee65c7f66c-1"], "policy")
    opinion = next(e for e in entries if "科技保險高質量發展" in e.name)
    assert "意見" in opinion.aliases
    assert not [e for e in entries if e.name in ("意見", "若干意見")]
    assert opinion.count >= 8  # the full title and each 《意見》 after it


def test_same_policy_across_scripts_is_one_entity(library):
    entries = catalogue(library.entities_of, INSURANCE_IDS, "policy")
    opinion = [e for e in entries if "科技保險高質量發展" in e.name]
    assert len(opinion) == 1 and sorted(opinion[0].articles) == INSURANCE_IDS
    assert "若干意見" in opinion[0].aliases or "若干意见" in opinion[0].aliases


def test_four_ministries_merged_across_scripts(library):
    orgs = {e.name: e for e in catalogue(library.entities_of, INSURANCE_IDS, "org")}
    for name in ("科技部", "國家金融監督管理總局", "工業和信息化部", "國家知識產權局"):
        assert sorted(orgs[name].articles) == INSURANCE_IDS, name


def test_short_forms_resolved_within_article(library):
    entries = catalogue(library.entities_of, ["003_467b954d3e2b3a27-2"], "org")
    fund = next(e for e in entries if e.name == "香港投資管理有限公司")
    assert "港投公司" in fund.aliases and fund.count >= 4
    entries = catalogue(library.entities_of, ["004_761257e38312902a-4"], "org")
    assoc = next(e for e in entries if e.name == "中國銀行間市場交易商協會")
    assert assoc.count >= 2


def test_cluster_short_form(library):
    places = {e.name: e for e in catalogue(library.entities_of, None, "place")}
    cluster = places["深圳—香港—廣州創新集群"]
    assert "003_467b954d3e2b3a27-1" in cluster.articles  # 「深港穗」科技集群


@pytest.mark.parametrize("query", ["person:謝寶劍", "person:谢宝剑"])
def test_person_filter_either_script(library, articles, query):
    found = {h.id for h in library.search(query).hits}
    quoting = {a.id for a in articles if "謝寶劍" in a.full_text}
    assert found == quoting and len(found) == 2


def test_type_filters(library):
    assert {h.id for h in library.search("org:科技部").hits} == set(INSURANCE_IDS)
    assert library.search("place:白俄羅斯").total == 1
    assert library.search("policy:十五五").total >= 3
    assert library.search("entity:一帶一路").total == 1


def test_people_need_evidence_not_segmenter_alone(articles):
    a = next(a for a in articles if a.id == "000_d921b2ee65c7f66c-1")
    people = [e.name for e in extract_entities(a) if e.type == "person"]
    assert "高水平" not in people and "建立健全" not in people


def test_mentions_point_at_printed_characters(articles):
    a = next(a for a in articles if a.id == "004_761257e38312902a-1")
    text = a.full_text
    for e in extract_entities(a):
        for s, t in e.mentions:
            if t > s:
                assert _fold(text[s:t]) in {_fold(e.name), *(_fold(x) for x in e.aliases)}, e.name


def test_gazetteer_is_well_formed():
    entries = gazetteer()
    assert len(entries) > 100
    names = [e.name for e in entries]
    assert len(names) == len(set(names))


# ---------------------------------------------------------------- a page of our own

PAGE = Path(__file__).parent / "data" / "entities_page.txt"


@pytest.fixture(scope="module")
def own_page():
    from gba_tui.corpus.model import Page
    from gba_tui.corpus.segment import segment_page

    (article,) = segment_page(Page(PAGE.name, PAGE.read_text("utf-8"), "utf-8", "test"))
    return {(e.type, e.name): e for e in extract_entities(article)}


def test_gazetteer_name_inside_a_word_is_not_reported(own_page):
    # 集中大量 holds 中大 (香港中文大學's short name) across a word boundary.
    assert ("org", "香港中文大學") not in own_page
    assert "港城大" in own_page[("org", "香港城市大學")].aliases  # the short name as a word


def test_people_by_title_list_lead_and_credit(own_page):
    people = {name: e for (t, name), e in own_page.items() if t == "person"}
    assert {"溫子健", "區曉彤", "戚逸朗"} <= set(people)  # lead and photo credit
    assert people["戚逸朗"].title == "記者"
    assert people["鄧永昌"].title == "行政長官"  # title and name apart by a space
    # Two titles before the name: the nearer one names him, the body before it is kept.
    assert people["習近平"].title == "主席"
    assert {"方家駿", "歐陽慧琳", "祁啟明"} <= set(people)  # 、-list, a compound surname
    assert people["孫浩然"].affiliation == "創新科技及工業局"
    assert people["卓文軒"].affiliation == "香港城市大學"
    assert not {"齊聚", "學者齊聚"} & set(people)  # a title word in a headline, no name


def test_bureau_longest_name_and_tail_merged(own_page):
    orgs = {name for t, name in own_page if t == "org"}
    assert "創新科技及工業局" in orgs and "工業局" not in orgs
    assert "工業局" in own_page[("org", "創新科技及工業局")].aliases
    assert "科技創新局" in own_page[("org", "深圳市科技創新局")].aliases


def test_entity_record_round_trips_through_json(own_page):
    from gba_tui.entities.model import Entity

    for e in own_page.values():
        assert Entity.from_json(e.to_json()) == e


def test_data_files_are_well_formed():
    from gba_tui.entities import lexicon

    sn = lexicon.surnames()
    assert {"陈", "欧阳", "司徒"} <= sn.single | sn.compound
    assert all(len(t) >= 2 for t in lexicon.titles())
    assert set(lexicon.org_suffixes().values()) <= {"gov", "named", "firm", "whole"}
    places = [e for e in gazetteer() if e.type == "place"]
    assert len(places) > 3000  # provinces, cities, districts, countries, world cities


def test_person_filter_finds_every_title(tmp_path):
    """A head of government named under any title, or none, is one person: person: finds all."""
    from gba_tui.search.indexer import update_index
    from gba_tui.search.searcher import Library

    corpus = tmp_path / "pages"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "特首出席論壇\n\n【本報訊】特首鄧永昌昨日出席創科論壇，講述北部都會區的進展。\n",
        "utf-8",
    )
    (corpus / "b.txt").write_text(
        "行政长官会见访问团\n\n本报讯 行政长官 邓永昌昨日在礼宾府会见深圳访问团。\n", "utf-8"
    )
    (corpus / "c.txt").write_text(
        "創科園區開幕\n\n【本報訊】園區昨日開幕。鄧永昌表示，園區會吸引更多企業。\n", "utf-8"
    )
    update_index(corpus, tmp_path / "index")
    lib = Library(tmp_path / "index")
    try:
        for query in ("person:鄧永昌", "person:邓永昌"):
            assert len({h.id for h in lib.search(query).hits}) == 3, query
    finally:
        lib.close()


def test_entity_filter_finds_short_words_in_every_kind_of_name(library):
    """entity: with one or two characters is answered from the typed fields' grams and the
    entities field's own (names of other kinds): the same articles as the names hold."""
    from gba_tui.text.script import searchable

    names = {
        aid: searchable("\n".join(n for e in ents for n in (e.name, *e.aliases)))
        for aid, ents in library.entities_of.items()
    }
    kinds = {e.type for ents in library.entities_of.values() for e in ents}
    assert kinds - {"person", "org", "place", "policy"}  # other kinds are in the corpus too
    words: set[str] = set()
    for ents in library.entities_of.values():
        for e in ents:
            folded = searchable(e.name)
            words.update({folded[:1], folded[-2:]} - {""})
    cjk = sorted(w for w in words if all("\u4e00" <= c <= "\u9fff" for c in w))
    assert len(cjk) > 20
    for word in cjk[:: max(1, len(cjk) // 60)]:
        found = {h.id for h in library.search(f"entity:{word}", limit=10_000).hits}
        assert found == {aid for aid, text in names.items() if word in text}, word


def test_many_articles_entities_read_at_once_are_those_read_one_by_one(library):
    """The entity map's batch read (a query's hits) and its page-by-page walk give what a
    lookup an article gives, in the order asked, unknown ids left out."""
    entities_of = library.entities_of
    ids = [a.id for a in library.articles]
    asked = [ids[3], "no-such-article", ids[0], *ids[5:]]
    at_once = entities_of.of(asked)
    assert list(at_once) == [i for i in asked if i != "no-such-article"]
    assert at_once == {i: entities_of[i] for i in at_once}
    assert dict(entities_of.items()) == {i: entities_of[i] for i in ids}
    assert sum(len(e) for e in at_once.values()) > 100
