-- 0001: events, episodes, memories with provenance and history, embeddings, FTS5.
-- Times are UNIX seconds (UTC) stored as REAL.

CREATE TABLE episodes (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    session TEXT,
    title TEXT,
    ts_start REAL NOT NULL,
    ts_end REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'consolidated', 'retry', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    consolidated_at REAL,
    meta TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX episodes_status ON episodes(status);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'note',
    actor TEXT,
    session TEXT,
    ts_start REAL NOT NULL,
    ts_end REAL,
    text TEXT NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}',
    content_hash TEXT NOT NULL UNIQUE,
    episode_id INTEGER REFERENCES episodes(id) ON DELETE SET NULL,
    created_at REAL NOT NULL
);
CREATE INDEX events_ts ON events(ts_start);
CREATE INDEX events_source_ts ON events(source, ts_start);
CREATE INDEX events_session ON events(session, ts_start);
CREATE INDEX events_episode ON events(episode_id);

CREATE TABLE memories (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('semantic', 'procedural', 'episodic', 'core')),
    subject TEXT,
    text TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'superseded')),
    importance INTEGER NOT NULL DEFAULT 5,
    strength REAL NOT NULL DEFAULT 1.0,
    last_reinforced REAL NOT NULL,
    reinforcements INTEGER NOT NULL DEFAULT 0,
    pinned INTEGER NOT NULL DEFAULT 0,
    edited_by_user INTEGER NOT NULL DEFAULT 0,
    valid_from REAL,
    valid_to REAL,
    superseded_by INTEGER REFERENCES memories(id) ON DELETE SET NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    content_hash TEXT NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX memories_kind ON memories(kind, status);

CREATE TABLE memory_sources (
    memory_id INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    PRIMARY KEY (memory_id, event_id)
);
CREATE INDEX memory_sources_event ON memory_sources(event_id);

CREATE TABLE memory_history (
    id INTEGER PRIMARY KEY,
    memory_id INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    ts REAL NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    old_text TEXT,
    new_text TEXT,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX memory_history_memory ON memory_history(memory_id, ts);

-- Vectors are float32 blobs; content_hash lets re-embedding be skipped.
CREATE TABLE embeddings (
    id INTEGER PRIMARY KEY,
    owner TEXT NOT NULL CHECK (owner IN ('event', 'memory')),
    owner_id INTEGER NOT NULL,
    model TEXT NOT NULL,
    dim INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    vector BLOB NOT NULL,
    UNIQUE (owner, owner_id, model)
);
CREATE INDEX embeddings_model ON embeddings(model, id);
CREATE INDEX embeddings_hash ON embeddings(model, content_hash);

-- Every removed vector leaves a tombstone so any process can bring its HNSW cache up to date.
CREATE TABLE embedding_tombstones (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    embedding_id INTEGER NOT NULL,
    model TEXT NOT NULL
);

CREATE TRIGGER embeddings_tombstone AFTER DELETE ON embeddings BEGIN
    INSERT INTO embedding_tombstones (embedding_id, model) VALUES (old.id, old.model);
END;

CREATE TRIGGER events_drop_embeddings AFTER DELETE ON events BEGIN
    DELETE FROM embeddings WHERE owner = 'event' AND owner_id = old.id;
END;

CREATE TRIGGER memories_drop_embeddings AFTER DELETE ON memories BEGIN
    DELETE FROM embeddings WHERE owner = 'memory' AND owner_id = old.id;
END;

CREATE VIRTUAL TABLE events_fts USING fts5(
    text, actor, content='events', content_rowid='id', tokenize='porter unicode61'
);
CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
    INSERT INTO events_fts (rowid, text, actor) VALUES (new.id, new.text, new.actor);
END;
CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, text, actor)
        VALUES ('delete', old.id, old.text, old.actor);
END;
CREATE TRIGGER events_fts_update AFTER UPDATE OF text, actor ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, text, actor)
        VALUES ('delete', old.id, old.text, old.actor);
    INSERT INTO events_fts (rowid, text, actor) VALUES (new.id, new.text, new.actor);
END;

CREATE VIRTUAL TABLE memories_fts USING fts5(
    text, subject, content='memories', content_rowid='id', tokenize='porter unicode61'
);
CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
    INSERT INTO memories_fts (rowid, text, subject) VALUES (new.id, new.text, new.subject);
END;
CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
    INSERT INTO memories_fts (memories_fts, rowid, text, subject)
        VALUES ('delete', old.id, old.text, old.subject);
END;
CREATE TRIGGER memories_fts_update AFTER UPDATE OF text, subject ON memories BEGIN
    INSERT INTO memories_fts (memories_fts, rowid, text, subject)
        VALUES ('delete', old.id, old.text, old.subject);
    INSERT INTO memories_fts (rowid, text, subject) VALUES (new.id, new.text, new.subject);
END;

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
