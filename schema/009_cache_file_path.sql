-- Durability (issue 14): the cache janitor asks, for every copy it expires,
-- whether another row still names the same file, and the daily reconciliation
-- matches files to rows by path. Only rows with a cached copy have a path.
CREATE INDEX idx_pdf_cache_file_path ON pdf_cache (file_path) WHERE file_path IS NOT NULL;
