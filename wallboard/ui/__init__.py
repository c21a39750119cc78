"""The Textual user interface: the app, its widgets, themes and launchers."""
