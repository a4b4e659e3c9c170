-- What tells a lost seq from a refused one: each seq a device sent that was refused for its content and never stored
-- (one row per seq, not per rejection; a seq that is stored later leaves the set). The devices row keeps how many of
-- them lie at or below max_seq (the `rejected` of the device list; holes = max_seq - stored_count - rejected_count),
-- the highest seq ever put in the set (so a write looks the set up only for seqs that may be in it), and a version
-- that every change of the set moves, which the PostgreSQL store compares and sets along with last_offset.
CREATE TABLE rejected_seqs (
    device_key BIGINT      NOT NULL,
    seq        BIGINT      NOT NULL,
    code       VARCHAR(64) NOT NULL,
    PRIMARY KEY (device_key, seq)
);
ALTER TABLE devices ADD COLUMN rejected_count BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE devices ADD COLUMN rejected_max BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE devices ADD COLUMN rejected_version BIGINT DEFAULT 0 NOT NULL;

-- The set from the rejections recorded so far (seq_conflict names a stored seq, so it is never in the set).
INSERT INTO rejected_seqs (device_key, seq, code)
SELECT r.device_key, r.seq, MIN(r.code) FROM rejections r
WHERE r.seq IS NOT NULL AND r.code <> 'seq_conflict'
  AND NOT EXISTS (SELECT 1 FROM readings x WHERE x.device_key = r.device_key AND x.seq = r.seq)
GROUP BY r.device_key, r.seq;
UPDATE devices SET
    rejected_count = (SELECT COUNT(*) FROM rejected_seqs r
                      WHERE r.device_key = devices.device_key AND r.seq <= devices.max_seq),
    rejected_max = COALESCE((SELECT MAX(r.seq) FROM rejected_seqs r WHERE r.device_key = devices.device_key), 0);

-- Units per metric, as a JSON object of short strings ({"temperature":"°C"}).
ALTER TABLE devices ADD COLUMN units VARCHAR(4000) DEFAULT '{}' NOT NULL;
