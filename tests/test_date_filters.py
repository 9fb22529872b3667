"""Dates: worked out from the page and the lead, carried by list/show/search --json, and the
date:, after: and before: filters. Pages of our own writing, dated as papers date them."""

from __future__ import annotations

import json

import pytest

from gba_tui.cli import main

PAGES = {
    "a04.txt": (
        "香港新報 2025年4月11日 星期五 A04 大灣區\n\n"
        "前海推出跨境數據新規\n\n"
        "【本報訊】記者 周嘉明 深圳報道：前海昨日公布跨境數據流動新規，首批企業可試行。\n"
    ),
    "wire.txt": (
        "南沙人工智能基金成立\n\n"
        "新华社广州12月22日电（记者 王林）南沙今日成立人工智能产业基金，首期规模五十亿元。\n\n"
        "《南方日报》（2024年12月23日 第 05 版）\n"
    ),
    "undated.txt": "橫琴新政出台\n\n橫琴今日公布新一輪人才政策，吸引澳門青年就業。\n",
}


@pytest.fixture()
def folder(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for name, text in PAGES.items():
        (pages / name).write_text(text, "utf-8")
    return ["--corpus", str(pages), "--index", str(tmp_path / "index")]


def search(folder, capsys, query: str) -> dict:
    assert main([*folder, "search", query, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_list_and_search_carry_the_date(folder, capsys):
    assert main([*folder, "list", "--json"]) == 0
    dates = {r["path"]: r["date"] for r in json.loads(capsys.readouterr().out)}
    assert dates == {"a04.txt": "2025-04-11", "wire.txt": "2024-12-22", "undated.txt": ""}
    hit = search(folder, capsys, "前海")["hits"][0]
    assert hit["date"] == "2025-04-11"


@pytest.mark.parametrize(
    "query, paths",
    [
        ("date:2025-04", {"a04.txt"}),
        ("date:2025-04-11", {"a04.txt"}),
        ("date:2025", {"a04.txt"}),
        ("date:2024/12/22", {"wire.txt"}),
        ("after:2025-01-01", {"a04.txt"}),
        ("before:2025-01", {"wire.txt"}),
        ("新規 OR 基金 after:2024-12", {"a04.txt", "wire.txt"}),
        ("基金 date:2025", set()),
        ("NOT date:2025", {"wire.txt", "undated.txt"}),
    ],
)
def test_date_filters(folder, capsys, query, paths):
    got = search(folder, capsys, query)
    assert {h["path"] for h in got["hits"]} == paths
    assert got["warnings"] == []


def test_a_date_filter_that_is_not_a_date_is_said(folder, capsys):
    got = search(folder, capsys, "date:昨天")
    assert got["total"] == 0
    assert any("date:" in w for w in got["warnings"])
