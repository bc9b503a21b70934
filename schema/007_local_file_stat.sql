-- The restart exchange (issue 13, daemon:stat_check): the server remembers, per
-- daemon and office path, the file's modification time as the daemon last saw
-- it (milliseconds since the Unix epoch; file_size already holds its size), so
-- a restarted daemon can learn the hashes of unchanged files without reading
-- them. NULL until a daemon that sends fileMtimeMs indexes the file again.
ALTER TABLE pdf_cache ADD COLUMN local_mtime_ms bigint;
-- One probe per listed file: the daemon's row at that path. The path leads, so
-- the listings by client_id keep idx_pdf_cache_client_listing (its sort order).
CREATE INDEX idx_pdf_cache_local_path ON pdf_cache (local_path, client_id);
