-- Retention deletes a prefix of each device's log by offset (offsets follow commit order, so the readings stored
-- before a cutoff come first), which needs no index on stored_at; every index costs each write a page per device.
DROP INDEX readings_by_stored_at;
