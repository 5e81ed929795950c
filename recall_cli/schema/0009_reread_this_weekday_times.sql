-- 0009: "this Friday" names the Friday of the week it was written in ("Dinner with Ana this
-- Friday"); it named no day before. Every event's mentioned times are read again on the next
-- timed search.
INSERT OR REPLACE INTO settings (key, value) SELECT 'event_times.backfill_after', '0' WHERE EXISTS (SELECT 1 FROM events);
