"""The live Textual dashboard (`fleetcheck tui`).

Pure modules (fleet, filtering, formatting, keymap) hold the logic and are
unit-tested without Textual; app, screens and widgets only render them.
"""
