-- 0012: a deadline in a text ("finished by 28 November", "until Friday") speaks of that day;
-- it spoke of the month before it. Every event's mentioned times are read again on the next
-- timed search.
INSERT OR REPLACE INTO settings (key, value) SELECT 'event_times.backfill_after', '0' WHERE EXISTS (SELECT 1 FROM events);
