"""Screens of the dashboard: the host table, a host's detail, the key help."""
