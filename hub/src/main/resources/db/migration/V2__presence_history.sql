-- Presence: the state every dashboard shows and the version that orders its changes (never goes backwards).
ALTER TABLE devices ADD COLUMN presence_state VARCHAR(16) DEFAULT 'offline' NOT NULL;
ALTER TABLE devices ADD COLUMN presence_version BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE devices ADD COLUMN presence_at BIGINT;

-- History by time, and retention by age.
CREATE INDEX readings_by_ts ON readings (device_key, ts);
CREATE INDEX readings_by_stored_at ON readings (device_key, stored_at);
