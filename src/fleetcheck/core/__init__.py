"""UI-free core: inventory, results, scan engine, collectors and checks.

Nothing below this package may import Textual: the headless CLI and the
reports consume it and must start fast.
"""
