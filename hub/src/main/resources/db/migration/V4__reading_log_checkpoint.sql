-- On H2 the reading log is the ack point and the tables follow it in large batches: this row says how far into the
-- log the tables are, moved in the same transaction as each batch, so a restart replays exactly what they lack.
CREATE TABLE log_checkpoint (
    id       INT    PRIMARY KEY,
    position BIGINT NOT NULL
);
INSERT INTO log_checkpoint (id, position) VALUES (1, 0);
