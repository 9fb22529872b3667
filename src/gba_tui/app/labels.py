"""Words the explorer shows for its settings (kept light: imported before anything slow)."""

SCRIPT_NAMES = {"orig": "original", "s": "簡體", "t": "繁體"}
