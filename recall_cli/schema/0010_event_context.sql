-- 0010: where an event sits is searched too: a chat's title, a note's heading, the last two
-- folders of a command's directory and a file's name ("grandma's recipe" finds the paragraph
-- under "## Grandma's lentil soup"; "terraform infra" the command run in ~/src/infra). A
-- generated column, so it is one expression, read from meta, never stored twice; the full-text
-- index gets it as a third column, rebuilt once here.
ALTER TABLE events ADD COLUMN context TEXT GENERATED ALWAYS AS (trim(
    coalesce(json_extract(meta, '$.title'), '') || ' ' ||
    coalesce(json_extract(meta, '$.heading'), '') || ' ' ||
    coalesce(replace(rtrim(rtrim(json_extract(meta, '$.cwd'), replace(json_extract(meta, '$.cwd'), '/', '')), '/'),
                     rtrim(rtrim(rtrim(json_extract(meta, '$.cwd'), replace(json_extract(meta, '$.cwd'), '/', '')),
                                 '/'),
                           replace(rtrim(rtrim(json_extract(meta, '$.cwd'),
                                               replace(json_extract(meta, '$.cwd'), '/', '')), '/'), '/', '')),
                     ''), '') || ' ' ||
    coalesce(replace(json_extract(meta, '$.cwd'),
                     rtrim(json_extract(meta, '$.cwd'), replace(json_extract(meta, '$.cwd'), '/', '')), ''), '') || ' ' ||
    coalesce(replace(json_extract(meta, '$.path'),
                     rtrim(json_extract(meta, '$.path'), replace(json_extract(meta, '$.path'), '/', '')), ''), '')
)) VIRTUAL;

DROP TRIGGER events_fts_delete;
DROP TRIGGER events_fts_insert;
DROP TRIGGER events_fts_update;
DROP TABLE events_fts;

CREATE VIRTUAL TABLE events_fts USING fts5(
    text, actor, context, content='events', content_rowid='id', tokenize='porter unicode61'
);

CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, text, actor, context)
        VALUES ('delete', old.id, old.text, old.actor, old.context);
END;

CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
    INSERT INTO events_fts (rowid, text, actor, context) VALUES (new.id, new.text, new.actor, new.context);
END;

CREATE TRIGGER events_fts_update AFTER UPDATE OF text, actor, meta ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, text, actor, context)
        VALUES ('delete', old.id, old.text, old.actor, old.context);
    INSERT INTO events_fts (rowid, text, actor, context) VALUES (new.id, new.text, new.actor, new.context);
END;

INSERT INTO events_fts (events_fts) VALUES ('rebuild');
