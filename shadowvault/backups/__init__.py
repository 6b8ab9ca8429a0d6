"""Backups of an install (database dump + a manifest of stored objects), restoring one, and
moving an embedded install's database to PostgreSQL. See docs/backups.md."""
