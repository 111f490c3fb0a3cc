-- One row per login session (a refresh family). Refresh and logout both lock it first, so a logout
-- can no longer miss a token that a concurrent refresh is inserting: ending the session is one update
-- of this row, and every refresh token of an ended session is refused.
CREATE TABLE login_sessions (
    id          UUID        PRIMARY KEY,
    user_id     BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    started_at  TIMESTAMPTZ NOT NULL,
    ended_at    TIMESTAMPTZ
);

CREATE INDEX login_sessions_user_idx ON login_sessions (user_id);

-- Existing families become sessions; one with any revoked token was ended (by logout or reuse), even
-- if a refresh racing that logout left a token unrevoked.
INSERT INTO login_sessions (id, user_id, started_at, ended_at)
SELECT family_id, min(user_id), min(issued_at), max(revoked_at)
FROM refresh_tokens
GROUP BY family_id;

ALTER TABLE refresh_tokens
    ADD CONSTRAINT refresh_tokens_family_fkey FOREIGN KEY (family_id) REFERENCES login_sessions (id) ON DELETE CASCADE;
ALTER TABLE refresh_tokens DROP COLUMN revoked_at;
