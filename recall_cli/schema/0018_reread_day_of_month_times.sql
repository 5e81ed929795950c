-- 0018: a day of the month without its month ("Parents evening is on the 14th at 19:00")
-- is the coming one in a plan, the last one in a story. Every event's mentioned times are
-- read again on the next timed search.
INSERT OR REPLACE INTO settings (key, value) SELECT 'event_times.backfill_after', '0' WHERE EXISTS (SELECT 1 FROM events);
