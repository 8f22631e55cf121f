"""SQLite backend of the history store."""
