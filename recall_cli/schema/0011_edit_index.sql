-- 0011: every search that finds a watched file's paragraph looks up the edits that file went
-- through, by its path (what an edit took out ranks after what replaced it): a partial index
-- on the edit events alone, so the lookup never reads the file's paragraphs.
CREATE INDEX events_edited_path ON events(json_extract(meta, '$.path')) WHERE kind = 'edited';
