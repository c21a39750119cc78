"""wallboard: a live call-centre wallboard for the terminal, fed by Voicenter's Active Calls API."""

__version__ = "0.1.0"
