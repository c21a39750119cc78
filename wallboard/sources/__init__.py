"""Where snapshots come from: the API poller (against Voicenter or the simulator)."""
