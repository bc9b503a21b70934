-- The file_hash check of 001 used the regular expression '^[0-9a-f]{64}$'.
-- PostgreSQL's regex engine expands the bounded repetition into 64 states,
-- which made the check the costliest part of inserting a pdf_cache row
-- (about 15 us of the ~35 us per row measured by bench/run-daemon-sessions.sh
-- and a plain INSERT ... SELECT of 40,000 rows). The same rule, written as a
-- length test plus an unbounded character class, costs almost nothing.
ALTER TABLE pdf_cache
  DROP CONSTRAINT pdf_cache_file_hash_check,
  ADD CONSTRAINT pdf_cache_file_hash_check
    CHECK (octet_length(file_hash) = 64 AND file_hash ~ '^[0-9a-f]*$');
