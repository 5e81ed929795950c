-- 0013: a weekday written before a date ("moved to Mon 16 March") settles its year: the year
-- whose 16 March is a Monday. A note of April that said "moved to" put it in the next year.
-- Every event's mentioned times are read again on the next timed search.
INSERT OR REPLACE INTO settings (key, value) SELECT 'event_times.backfill_after', '0' WHERE EXISTS (SELECT 1 FROM events);
