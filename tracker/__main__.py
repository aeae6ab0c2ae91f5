"""``python -m tracker``."""

from tracker.quickstatus import main

main()
