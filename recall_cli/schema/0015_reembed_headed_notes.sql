-- 0015: a note's paragraph is embedded with the headings it sits under ("Tractor > Carb
-- rebuild: 1. Fuel OFF ..."; search/vectors.py event_document). Paragraphs stored before
-- lose their vector here and are embedded again by the next search's catch-up.
DELETE FROM embeddings WHERE owner = 'event' AND owner_id IN (
    SELECT id FROM events WHERE source IN ('note', 'file') AND coalesce(json_extract(meta, '$.heading'), '') != '');
