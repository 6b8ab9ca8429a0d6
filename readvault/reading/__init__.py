"""What a reader does on a site, kept per site and per user: progress through chapters,
marks, the "want to read" list. The reader, the site's pages and OPDS all go through here."""
