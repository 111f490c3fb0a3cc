package org.chatsuite.chat.redis;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code chatsuite.redis.*}: how {@link RedisProbe} watches the shared Redis client (environment: {@code CHATSUITE_REDIS_...}). */
@ConfigMapping(prefix = "chatsuite.redis")
public interface RedisHealthConfig {

    /** Time between two PINGs through the shared pool (one at a time). */
    @WithDefault("1S")
    Duration probeInterval();

    /** A PING not answered within this counts as failed (also when it is still waiting for a pooled connection). */
    @WithDefault("2S")
    Duration probeTimeout();

    /**
     * How long the shared client may fail every PING, while Redis answers a fresh connection, before
     * liveness fails and the pod is restarted. Longer than a burst can keep the pool busy.
     */
    @WithDefault("60S")
    Duration wedgedAfter();
}
