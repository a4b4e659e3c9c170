-- Unfinished commands are those with no finished_at. A device's unfinished ones, in creation order, are read on every
-- change of its commands (the delivery window, the queue count), and the index by device alone made each read go
-- through the device's whole command history; the expiry job's index now follows finished_at too, so marking a
-- command delivered rewrites no index at all.
CREATE INDEX commands_unfinished ON commands (device_key, finished_at, command_no);
CREATE INDEX commands_due ON commands (finished_at, expires_at);
DROP INDEX commands_by_expiry;
