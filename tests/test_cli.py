"""The headless commands: JSON contracts, Rich output, and one-line errors with exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gba_tui.cli import build_parser, main


@pytest.fixture()
def run(index_dir, seeds, capsys):
    def _run(*argv):
        code = main(["--corpus", str(seeds), "--index", str(index_dir), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def test_list_json_contract(run):
    code, out, _ = run("list", "--json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 19
    for key in ("id", "title", "source", "byline", "path", "line_start", "line_end", "chars"):
        assert key in rows[0]
    assert rows[0]["path"] == "000_d921b2ee65c7f66c.txt"


def test_show_json_contract(run):
    code, out, _ = run("show", "003_467b954d3e2b3a27-1", "--json")
    assert code == 0
    a = json.loads(out)
    for key in (
        "id",
        "title",
        "subtitle",
        "kicker",
        "source",
        "byline",
        "body",
        "captions",
        "tables",
        "path",
        "line_start",
        "line_end",
    ):
        assert key in a
    assert a["tables"][0][1] == ["1", "深圳—香港—廣州", "117542", "193635", "6916"]
    assert "\n\n" in a["body"]


def test_show_rich(run):
    code, out, _ = run("show", "004_761257e38312902a-4")
    assert code == 0 and "交易商协会" in out and "004_761257e38312902a.txt:103-117" in out


def test_search_json_contract(run):
    code, out, _ = run("search", "科技保險", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["query"] == "科技保險" and data["total"] == 2
    assert set(data["hits"][0]) >= {"rank", "id", "title", "source", "score", "snippet", "terms"}


def test_search_limit_and_no_hits(run):
    code, out, _ = run("search", "港", "--limit", "3", "--json")
    data = json.loads(out)
    assert code == 0 and len(data["hits"]) == 3 and data["total"] > 3
    code, out, _ = run("search", "火星殖民", "--json")
    assert code == 0 and json.loads(out)["total"] == 0


def test_search_rich_table(run):
    code, out, _ = run("search", "科技保险")
    assert code == 0 and "2 hits" in out and "科技保險" in out


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["show", "no-such-id"], "no article"),
        (["search", "x" * 2000], "too long"),
        (["search", "科技", "--limit", "0"], "--limit"),
        (["--bogus"], "unrecognized"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_errors_are_one_line_exit_2(run, argv, needle):
    code, out, err = run(*argv)
    assert code == 2
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err


def test_missing_corpus_folder(tmp_path, capsys):
    code = main(["--corpus", str(tmp_path / "nope"), "--index", str(tmp_path / "ix"), "list"])
    err = capsys.readouterr().err
    assert code == 2 and "corpus folder not found" in err and err.count("\n") == 1


def test_damaged_index_message(tmp_path, seeds, capsys):
    where = tmp_path / "ix"
    assert main(["--corpus", str(seeds), "--index", str(where), "index"]) == 0
    (where / "manifest.json").write_text("garbage")
    code = main(["--corpus", str(seeds), "--index", str(where), "search", "科技"])
    err = capsys.readouterr().err
    assert code == 2 and "damaged" in err and "gba-tui index --rebuild" in err
    assert main(["--corpus", str(seeds), "--index", str(where), "index", "--rebuild"]) == 0


def test_fresh_index_built_on_first_use(tmp_path, seeds, capsys):
    code = main(["--corpus", str(seeds), "--index", str(tmp_path / "new"), "list", "--json"])
    captured = capsys.readouterr()
    assert code == 0 and len(json.loads(captured.out)) == 19
    assert "19 articles" in captured.err


def test_every_command_has_help():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, p in sub.choices.items():
        assert p.description, name
        text = p.format_help()
        assert "--json" in text or name in ("index", "export"), name
    assert "title:" in sub.choices["search"].format_help()


def test_console_script_runs_in_a_fresh_process(tmp_path, seeds):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "gba_tui",
            "--corpus",
            str(seeds),
            "--index",
            str(tmp_path / "ix"),
            "search",
            "QFLP",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total"] == 1


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["search", "港"], "DEFAULT"),
        (["--corpus", "/a/b", "search", "港"], "/a/b"),
        (["--corpus=/a/b", "--index", "/x", "list"], "/a/b"),
        (["--index=/x", "--corpus", "~/p", "export", "-o", "-"], "~/p"),
        (["--corpus", "/a/b"], None),  # the explorer: it checks the index in a worker
        (["--corpus", "/a/b", "index"], None),
        (["--help"], None),
        (["--corpus"], None),
        (["--verbose", "search", "x"], None),  # the parser's to report
    ],
)
def test_the_corpus_a_command_will_check_is_read_from_argv(argv, expected):
    """The corpus walked early (before the search modules load) is the one resolve() gives."""
    from gba_tui.__main__ import corpus_to_check
    from gba_tui.config import default_corpus

    found = corpus_to_check(argv)
    if expected is None:
        assert found is None
    elif expected == "DEFAULT":
        assert found == default_corpus()
    else:
        assert found == Path(expected).expanduser()


def test_a_search_process_updates_an_index_whose_page_changed(tmp_path, seeds):
    """A search as its own process (the early walk forked): a changed page is indexed first."""
    import shutil

    corpus = tmp_path / "pages"
    shutil.copytree(seeds, corpus)
    cmd = [
        sys.executable,
        "-m",
        "gba_tui",
        "--corpus",
        str(corpus),
        "--index",
        str(tmp_path / "ix"),
    ]
    first = subprocess.run(
        [*cmd, "search", "QFLP", "--json"], capture_output=True, text=True, timeout=120
    )
    assert first.returncode == 0, first.stderr
    page = sorted(corpus.glob("*.txt"))[0]
    page.write_text(page.read_text("utf-8") + "\n\n新增標題\n\n澳氹創科走廊今日啟用。\n", "utf-8")
    again = subprocess.run(
        [*cmd, "search", "澳氹創科走廊", "--json"], capture_output=True, text=True, timeout=120
    )
    assert again.returncode == 0, again.stderr
    assert "updated index" in again.stderr and "1 changed" in again.stderr, again.stderr
    assert json.loads(again.stdout)["total"] >= 1
