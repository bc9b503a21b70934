-- What the admin's system monitor charts: daemon connections, the heartbeat
-- round trip the server measured (Engine.IO ping -> pong), and the PDF cache's
-- size over time. Every table is pruned by the server's metrics_sampler
-- (storage::monitor_retention); nothing here is needed to serve daemons.

-- A daemon went online (its CONNECT was accepted) or offline (its session
-- ended, or the server restarted under it). Spans are read back from the
-- order of these rows.
CREATE TABLE daemon_connection_events (
  id          bigserial PRIMARY KEY,
  daemon_id   bigint NOT NULL REFERENCES daemon_clients(id) ON DELETE CASCADE,
  at          timestamptz NOT NULL DEFAULT now(),
  kind        text NOT NULL CHECK (kind IN ('online', 'offline')),
  remote_addr text,
  reason      text
);
CREATE INDEX idx_daemon_connection_events_daemon_at ON daemon_connection_events (daemon_id, at);
CREATE INDEX idx_daemon_connection_events_at ON daemon_connection_events (at);

-- The heartbeat round trips (one sample per heartbeat that arrived after a
-- ping round trip, in milliseconds), summed per daemon and 5-minute bucket as
-- they arrive: a week of 500 daemons beating every 30 s is 10 million
-- samples, but only 1 million buckets, which the latency chart re-aggregates.
CREATE TABLE daemon_latency_buckets (
  bucket    timestamptz NOT NULL, -- start of the 5-minute bucket (epoch-aligned)
  daemon_id bigint NOT NULL REFERENCES daemon_clients(id) ON DELETE CASCADE,
  samples   integer NOT NULL CHECK (samples > 0),
  sum_ms    double precision NOT NULL,
  max_ms    real NOT NULL,
  PRIMARY KEY (bucket, daemon_id)
);
CREATE INDEX idx_daemon_latency_buckets_daemon ON daemon_latency_buckets (daemon_id, bucket);

-- The latest round trip, for latencyMs in the daemon list and detail.
ALTER TABLE daemon_clients ADD COLUMN latency_ms real;

-- The cached copies on the server's disk, sampled every few minutes.
CREATE TABLE cache_usage_samples (
  at    timestamptz NOT NULL DEFAULT now() PRIMARY KEY,
  bytes bigint NOT NULL CHECK (bytes >= 0),
  files bigint NOT NULL CHECK (files >= 0)
);

-- PDFs indexed per hour counts rows by when the server first stored them.
CREATE INDEX idx_pdf_cache_created ON pdf_cache (created_at);
