-- Why a session ended (a logout, a new password, new access, the operator's deletion), kept until the session would
-- have expired, so that a request still carrying it is told why, on every node, whichever of its answers comes first.
-- No reference to operators: an operator's deletion is one of the reasons kept.
CREATE TABLE ended_sessions (
    token_hash VARCHAR(64) PRIMARY KEY,
    reason     VARCHAR(32) NOT NULL,
    expires_at BIGINT      NOT NULL
);
