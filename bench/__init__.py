"""Benchmarks of the wallboard: a load server, a pty harness and the figures (see run.py)."""
