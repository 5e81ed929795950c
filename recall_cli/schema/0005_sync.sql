-- 0005: what devices that sync need.
-- Every memory gets a global id (uid) that is the same on every device; every change to a
-- memory is stamped with a hybrid logical clock (hlc) and the device that made it, and keeps
-- the memory's state after it, so any device can replay the changes to the same result.
-- An event merged from another device remembers where it came from (origin; NULL = captured
-- here). A forget leaves a tombstone (a hash or uid, never the text) so no later merge brings
-- the forgotten thing back. sync_segments records which segment files were merged or written.
ALTER TABLE memories ADD COLUMN uid TEXT;
UPDATE memories SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL;
CREATE UNIQUE INDEX memories_uid ON memories(uid);

ALTER TABLE memory_history ADD COLUMN hlc TEXT;
ALTER TABLE memory_history ADD COLUMN device TEXT;
ALTER TABLE memory_history ADD COLUMN state TEXT;
CREATE UNIQUE INDEX memory_history_change ON memory_history(device, hlc);

ALTER TABLE events ADD COLUMN origin TEXT;

CREATE TABLE tombstones (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    owner TEXT NOT NULL CHECK (owner IN ('event', 'memory')),
    key TEXT NOT NULL,
    hlc TEXT NOT NULL,
    device TEXT,
    UNIQUE (owner, key)
);

CREATE TABLE sync_segments (
    folder TEXT NOT NULL,
    device TEXT NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    mine INTEGER NOT NULL DEFAULT 0,
    at REAL NOT NULL,
    PRIMARY KEY (folder, device, name)
);
