"""The PostgreSQL backend: a central store for many scanners (docs/postgresql.md)."""
