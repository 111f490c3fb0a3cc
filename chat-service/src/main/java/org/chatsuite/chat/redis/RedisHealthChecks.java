package org.chatsuite.chat.redis;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Redis in /q/health, from {@link RedisProbe}'s last outcome (they replace Quarkus' own Redis check,
 * which waits on a PING per request and has no liveness side):
 * <ul>
 * <li>ready while the shared client gets answers: DOWN as long as Redis is unreachable (or the pool
 * cannot serve a PING in time), UP again by itself once it answers;</li>
 * <li>live unless the shared client is wedged: failing for longer than {@code chatsuite.redis.wedged-after}
 * while Redis answers a new connection, which only a restart of the pod cures.</li>
 * </ul>
 */
@ApplicationScoped
class RedisHealthChecks {

    private final RedisProbe probe;

    RedisHealthChecks(RedisProbe probe) {
        this.probe = probe;
    }

    @Produces
    @Readiness
    HealthCheck redisReachable() {
        return () -> {
            String failure = probe.failure();
            return HealthCheckResponse.named("Redis").status(failure == null)
                    .withData("error", failure == null ? "none" : failure)
                    .withData("failing_for_ms", probe.failingFor().toMillis())
                    .build();
        };
    }

    @Produces
    @Liveness
    HealthCheck redisClientNotWedged() {
        return () -> HealthCheckResponse.named("Redis client").status(!probe.wedged())
                .withData("failing_for_ms", probe.failingFor().toMillis())
                .build();
    }
}
