-- One document, several offices (issue 14). pdf_cache stays the document,
-- one row per hash; where the file is becomes its own table, one row per
-- daemon that has it. Before this, a second office indexing the same PDF
-- took the row over (client_id, local_path), the first office's next sync
-- marked it missing, and any daemon knowing a hash rewrote its metadata.
--
-- From here on:
-- * pdf_locations: the daemon, the path in its office folder, whether it is
--   still there, and the mtime the restart exchange (007) compares. A daemon's
--   sync touches only its own locations.
-- * pdf_cache.client_id / local_path / local_mtime_ms: the daemon whose
--   metadata the document carries (the first to index it) and its location.
--   Another daemon's index of the same hash never rewrites them.
-- * pdf_cache.local_present: some daemon has the file; status goes to
--   'missing' only when none has.
CREATE TABLE pdf_locations (
  pdf_id         bigint NOT NULL REFERENCES pdf_cache(id) ON DELETE CASCADE,
  client_id      text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 100),
  local_path     text,
  local_mtime_ms bigint,
  present        boolean NOT NULL DEFAULT true,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pdf_id, client_id)
);
-- A daemon's sync and stat_check: its locations by path; its whole set for
-- the end of a sync.
CREATE INDEX idx_pdf_locations_client_path ON pdf_locations (client_id, local_path);

-- Existing installs: every row had one location, the daemon that spoke last.
INSERT INTO pdf_locations (pdf_id, client_id, local_path, local_mtime_ms, present, created_at, updated_at)
SELECT id, client_id, local_path, local_mtime_ms, local_present, created_at, updated_at
FROM pdf_cache
WHERE client_id IS NOT NULL AND length(client_id) BETWEEN 1 AND 100;

-- The stat_check probe moved to pdf_locations.
DROP INDEX idx_pdf_cache_local_path;

ANALYZE pdf_locations;
