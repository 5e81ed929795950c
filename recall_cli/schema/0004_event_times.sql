-- 0004: the times an event's text speaks of ("last Saturday", "in 2010", "16 September"),
-- resolved against the event's own time when it is stored, so a question about a time finds
-- what a text is about and not only when it was written. One row per mentioned range.
CREATE TABLE event_times (
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    since REAL NOT NULL,
    until REAL NOT NULL
);
CREATE INDEX event_times_since ON event_times(since);
CREATE INDEX event_times_event ON event_times(event_id);

-- events stored before this migration are read for their times on the next search
INSERT INTO settings (key, value) SELECT 'event_times.backfill_after', '0' WHERE EXISTS (SELECT 1 FROM events);
