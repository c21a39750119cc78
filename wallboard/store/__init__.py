"""Where the day's counters are kept between runs: SQLite through the standard library."""
