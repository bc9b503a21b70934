-- The cache janitor's runs (scheduled, on demand, early) and one definition
-- of when a cached copy expires, shared by the upload, the ingest and the
-- janitor's daily recomputation.

-- When a document's retention ends: its event date (bounded to `days_ahead`
-- after `since`, so a misread year does not keep a copy for years) plus the
-- retention of its type (`retention`: {"orcamento": 30, ...}, else
-- `default_days`); an undated document counts from `since` (when it was cached).
CREATE FUNCTION siberius_retention_end(data_evento date, tipo text, since timestamptz, retention jsonb,
                                       default_days int, days_ahead int) RETURNS timestamptz
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT CASE WHEN data_evento IS NULL THEN since + make_interval(days => r.days)
                ELSE (least(data_evento, since::date + days_ahead) + r.days)::timestamp AT TIME ZONE 'UTC' END
    FROM (SELECT coalesce((retention ->> tipo)::int, default_days) AS days) r
  $$;

-- A cached copy's expiry: the retention's end, never sooner than
-- `min_keep_hours` after it was cached.
CREATE FUNCTION siberius_cache_expiry(data_evento date, tipo text, cached_at timestamptz, retention jsonb,
                                      default_days int, min_keep_hours int, days_ahead int) RETURNS timestamptz
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT greatest(siberius_retention_end(data_evento, tipo, cached_at, retention, default_days, days_ahead),
                    cached_at + make_interval(hours => min_keep_hours))
  $$;

CREATE TABLE cache_cleanup_reports (
  id                  bigserial PRIMARY KEY,
  trigger             text NOT NULL CHECK (trigger IN ('scheduled', 'on_demand', 'early')),
  started_at          timestamptz NOT NULL,
  finished_at         timestamptz NOT NULL,
  files_removed       integer NOT NULL DEFAULT 0,
  bytes_freed         bigint NOT NULL DEFAULT 0,
  expired_rows        integer NOT NULL DEFAULT 0,
  stale_temp_removed  integer NOT NULL DEFAULT 0,
  errors              jsonb NOT NULL DEFAULT '[]'::jsonb,
  details             jsonb NOT NULL DEFAULT '{}'::jsonb -- recomputed expiries, reconcile and prune counts
);
CREATE INDEX idx_cache_cleanup_reports_started ON cache_cleanup_reports (started_at DESC, id DESC);
