-- 0003: search boosts the speaker a query names; finding whether a word is a known
-- speaker must be an index lookup, not a scan of every event.
CREATE INDEX events_actor ON events(actor COLLATE NOCASE);
