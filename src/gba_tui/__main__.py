"""Allow `python -m gba_tui`."""

# Guarded, so importing this module runs nothing; Ctrl-C while the CLI's modules load ends
# quietly, as it does once main() runs.
if __name__ == "__main__":
    try:
        from gba_tui.cli import main
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    raise SystemExit(main())
