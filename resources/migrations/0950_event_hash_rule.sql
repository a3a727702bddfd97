-- Which fields each event's hash covers (domain::HashRule): events already in the log keep
-- rule 1; every event appended from now on records the replica that appended it as its
-- origin and is hashed under rule 2, which covers the origin too.
ALTER TABLE events ADD COLUMN hash_rule INTEGER NOT NULL DEFAULT 1;

-- Every database is a replica with its own id from its first day, sync or not, so the origin
-- of what it appends never changes later.
INSERT OR IGNORE INTO meta(key, value)
SELECT 'replica_id', lower(substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) ||
       '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(h, 18, 3) || '-' ||
       substr(h, 21, 12))
FROM (SELECT hex(randomblob(16)) AS h);
