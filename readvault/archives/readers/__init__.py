"""One reader per kind of comic source, each handing back source_pages.SourcePages."""
