"""Where snapshots become the day's figures: the recorder (in-process) and the headless hub."""
