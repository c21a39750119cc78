"""Serving the board to browsers (textual-serve), each session following a hub."""
