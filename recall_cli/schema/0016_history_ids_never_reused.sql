-- 0016: a memory's history row id, once given, is never given again (as 0008 for events and
-- memories). Sync writes the history rows above its cursor; forgetting the newest memory
-- deleted its history rows, the next change took their ids, and it never reached the other
-- devices.
CREATE TRIGGER memory_history_high_water AFTER DELETE ON memory_history BEGIN
    INSERT INTO settings (key, value) VALUES ('memory_history.high_water', old.id)
    ON CONFLICT(key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER));
END;
