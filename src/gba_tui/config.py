"""Where the corpus and the index live: flags first, then the environment, then defaults."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

# An editable install runs from the checkout: src/gba_tui/config.py → the project root.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
BUNDLED_SEEDS = PROJECT_ROOT / "seeds"


@dataclass(frozen=True)
class Settings:
    corpus: Path
    index: Path
    index_given: bool  # an explicit --index/GBA_TUI_INDEX is used exactly as given


def default_corpus() -> Path:
    env = os.environ.get("GBA_TUI_CORPUS")
    if env:
        return Path(env).expanduser()
    if BUNDLED_SEEDS.is_dir():
        return BUNDLED_SEEDS
    return Path("seeds")


def _index_home() -> Path:
    if (PROJECT_ROOT / "pyproject.toml").is_file():
        return PROJECT_ROOT / "index"
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "gba-tui" / "index"


def resolve(corpus: str | None = None, index: str | None = None) -> Settings:
    """Settings from the global options; the default index is kept apart per corpus."""
    corpus_path = Path(corpus).expanduser() if corpus else default_corpus()
    index_arg = index or os.environ.get("GBA_TUI_INDEX")
    if index_arg:
        return Settings(corpus_path, Path(index_arg).expanduser(), True)
    home = _index_home()
    try:
        same = corpus_path.resolve() == BUNDLED_SEEDS.resolve()
    except OSError:
        same = False
    if same:
        return Settings(corpus_path, home, False)
    key = hashlib.sha1(str(corpus_path.resolve()).encode()).hexdigest()[:12]
    return Settings(corpus_path, home / f"corpus-{key}", False)
