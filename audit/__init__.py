"""The audit log: what operators and site admins did, when, from where (docs/security.md)."""
