"""The OPDS 1.2 catalogue with Page Streaming (PSE 1.2) for reader apps, at `/opds/`."""
