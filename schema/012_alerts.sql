-- Operational alerts (issue 15): each raise of a condition (kind + subject) and
-- when it cleared. The server keeps the active ones in memory and writes them
-- here; the id is the server's own, so an alert raised while PostgreSQL was
-- away is written with the same id when it returns.
CREATE TABLE alerts (
  id         text PRIMARY KEY,
  kind       text NOT NULL,
  subject    text NOT NULL,
  severity   text NOT NULL CHECK (severity IN ('warning', 'critical')),
  message    text NOT NULL,
  details    jsonb NOT NULL DEFAULT '{}'::jsonb,
  raised_at  timestamptz NOT NULL,
  cleared_at timestamptz
);

-- GET /api/admin/alerts reads the newest.
CREATE INDEX idx_alerts_raised_at ON alerts (raised_at DESC);

