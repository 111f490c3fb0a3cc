-- Time (ms) of the conversation's last message, copied from Redis (chat:activity) by ActivityIndex, so
-- that a user's conversations can be ordered and paged in SQL. NULL until the first message is copied.
ALTER TABLE conversations ADD COLUMN last_message_ms BIGINT;
