-- Desired and reported state of a device: two JSON objects (at most 16 KiB each), each replaced whole and numbered.
-- A device has no row until one of them is first set; its versions then start at 1.
CREATE TABLE device_state (
    device_key       BIGINT         PRIMARY KEY REFERENCES devices (device_key),
    desired          VARCHAR(16384) NOT NULL,
    desired_version  BIGINT         NOT NULL,
    reported         VARCHAR(16384) NOT NULL,
    reported_version BIGINT         NOT NULL,
    updated_at       BIGINT         NOT NULL
);
