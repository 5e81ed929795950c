-- 0014: a booking tells of a thing to come: "Car service booked at Halden Motors on Tuesday at
-- 8:15" is the coming Tuesday, and "Booked flights to Lisbon for 3-10 February" written in
-- December next February. Every event's mentioned times are read again on the next timed search.
INSERT OR REPLACE INTO settings (key, value) SELECT 'event_times.backfill_after', '0' WHERE EXISTS (SELECT 1 FROM events);
