-- 0006: "on Monday" now reads as the coming Monday in a plan ("Call the plumber on Monday")
-- and the last one in a story ("we went hiking on Monday"); before, it was always the last.
-- Every event's mentioned times are read again on the next timed search.
INSERT OR REPLACE INTO settings (key, value) SELECT 'event_times.backfill_after', '0' WHERE EXISTS (SELECT 1 FROM events);
