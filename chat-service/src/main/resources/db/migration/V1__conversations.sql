CREATE TABLE conversations (
    id          UUID PRIMARY KEY,
    name        VARCHAR(255),
    is_group    BOOLEAN     NOT NULL,
    -- "<smaller user id>:<larger user id>" for a 1-on-1, NULL for groups: the unique key that
    -- makes concurrent creation of one pair's conversation impossible to duplicate.
    direct_key  VARCHAR(41) UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE participants (
    conversation_id UUID   NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id         BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX participants_user_idx ON participants (user_id);

-- The last known profile of each participant, as user-service reported it: conversations can be
-- listed while user-service is unreachable. Refreshed whenever user-service is asked.
CREATE TABLE known_users (
    id          BIGINT PRIMARY KEY,
    email       VARCHAR(254) NOT NULL,
    first_name  VARCHAR(50)  NOT NULL,
    last_name   VARCHAR(50)  NOT NULL,
    date_joined VARCHAR(32),
    last_seen   VARCHAR(32),
    refreshed_at TIMESTAMPTZ NOT NULL
);
