-- 0020: a weekday after "for" ("Plan for Monday: ...", written on a Sunday) is a day the text
-- speaks of, as after "on". Every event's mentioned times are read again on the next timed search.
INSERT OR REPLACE INTO settings (key, value) SELECT 'event_times.backfill_after', '0' WHERE EXISTS (SELECT 1 FROM events);
