"""Static site rendering: markdown to safe HTML, pages, feeds, sitemap. No database, no I/O."""
