"""Inventories people already have, turned into fleetcheck inventories.

Each source (Ansible INI/YAML, OpenSSH client config) is read into `Imported`
hosts that remember where they came from; `render` writes them as one YAML
inventory with comments saying what came from where and what was left behind.
"""
