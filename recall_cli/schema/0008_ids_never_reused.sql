-- 0008: an id, once given, is never given again. SQLite hands out max(id) + 1, so forgetting
-- the newest events (or memories) made the next ones take their ids, and an id quoted earlier
-- (an MCP result, a citation, a note) pointed at other text. The highest id ever deleted is
-- kept in settings, and inserts start above it.
CREATE TRIGGER events_high_water AFTER DELETE ON events BEGIN
    INSERT INTO settings (key, value) VALUES ('events.high_water', old.id)
    ON CONFLICT(key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER));
END;
CREATE TRIGGER memories_high_water AFTER DELETE ON memories BEGIN
    INSERT INTO settings (key, value) VALUES ('memories.high_water', old.id)
    ON CONFLICT(key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER));
END;
