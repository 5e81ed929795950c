-- 0002: episodes remember the grouping key that built them, so new events can join the
-- open episode of their chat session, shell session + directory, or file.
ALTER TABLE episodes ADD COLUMN key TEXT;
CREATE INDEX episodes_key ON episodes(key, status, ts_end);
