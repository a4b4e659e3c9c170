-- A device's reading cursor (its last offset, highest seq, counts and last reading's time) moves out of the devices
-- row into a narrow row of its own. Every commit on PostgreSQL and every table flush on H2 moves the cursor of each
-- device it touches, and the devices row is wide (ids, namespace, secret hash, units): with 10,000 devices sending
-- two readings a second, rewriting those rows (and H2 reading them back from its pages) was a quarter of a flush's
-- work, and the hub fell behind.
CREATE TABLE device_cursors (
    device_key       BIGINT PRIMARY KEY,
    last_offset      BIGINT NOT NULL DEFAULT 0,
    max_seq          BIGINT NOT NULL DEFAULT 0,
    stored_count     BIGINT NOT NULL DEFAULT 0,
    rejected_count   BIGINT NOT NULL DEFAULT 0,
    rejected_max     BIGINT NOT NULL DEFAULT 0,
    rejected_version BIGINT NOT NULL DEFAULT 0,
    last_seen_at     BIGINT
);
INSERT INTO device_cursors (device_key, last_offset, max_seq, stored_count, rejected_count, rejected_max,
                            rejected_version, last_seen_at)
SELECT device_key, last_offset, max_seq, stored_count, rejected_count, rejected_max, rejected_version, last_seen_at
FROM devices;
ALTER TABLE devices DROP COLUMN last_offset;
ALTER TABLE devices DROP COLUMN max_seq;
ALTER TABLE devices DROP COLUMN stored_count;
ALTER TABLE devices DROP COLUMN rejected_count;
ALTER TABLE devices DROP COLUMN rejected_max;
ALTER TABLE devices DROP COLUMN rejected_version;
ALTER TABLE devices DROP COLUMN last_seen_at;
