"""Headless command line. Must never import Textual (start-up time, cron use)."""
