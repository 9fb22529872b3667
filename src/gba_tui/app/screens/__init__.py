"""Screens pushed over the explorer: reader, help, export dialog."""
