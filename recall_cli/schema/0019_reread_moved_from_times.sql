-- 0019: a weekday a thing was moved to, after the one it was moved from ("Piano lesson moved
-- from Thursday to Friday 4pm"), is the coming one, as after "moved to Friday". Every event's
-- mentioned times are read again on the next timed search.
INSERT OR REPLACE INTO settings (key, value) SELECT 'event_times.backfill_after', '0' WHERE EXISTS (SELECT 1 FROM events);
