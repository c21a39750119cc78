"""Allow `python -m wallboard`."""

from wallboard.cli import main

main()
