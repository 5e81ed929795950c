-- 0007: a weekday without "on" names a day too: "moved to Tuesday", "Friday at 9", "Saturday
-- morning" (the coming one in a plan, the last one in a story). Every event's mentioned
-- times are read again on the next timed search.
INSERT OR REPLACE INTO settings (key, value) SELECT 'event_times.backfill_after', '0' WHERE EXISTS (SELECT 1 FROM events);
