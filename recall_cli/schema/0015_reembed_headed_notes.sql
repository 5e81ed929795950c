-- 0015: withdrawn. It dropped the vectors of note paragraphs under a heading so they were
-- embedded again with their headings; embedding headings gained nothing measurable (see
-- search/vectors.py event_document) and was taken out. Kept, empty, so a store that applied
-- it opens as before.
SELECT 1;
