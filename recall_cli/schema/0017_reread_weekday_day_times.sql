-- 0017: a weekday and a day of the month with no month ("thu 31 - furnas" in a trip's diary)
-- is the day of that number nearest the note that falls on that weekday. Every event's
-- mentioned times are read again on the next timed search.
INSERT OR REPLACE INTO settings (key, value) SELECT 'event_times.backfill_after', '0' WHERE EXISTS (SELECT 1 FROM events);
