package org.chatsuite.chat.redis;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * PINGs Redis through the shared client (the pool every command uses) every probe interval and
 * keeps the outcome for the health checks, so that a health request never waits on Redis. While the
 * shared client keeps failing for longer than {@code wedged-after}, a witness client with a pool of
 * its own tells the two causes apart: Redis itself down (the witness fails too; restarting this pod
 * would not help) or the shared client wedged (the witness gets an answer; only a restart helps).
 */
@ApplicationScoped
public class RedisProbe {

    private final Redis shared;
    private final RedisClients clients;
    private final Vertx vertx;
    private final Duration interval;
    private final Duration timeout;
    private final Duration wedgedAfter;

    /** A start counts as a success: a client that has not been tried yet is not wedged. */
    private volatile long lastSuccess = System.nanoTime();
    private volatile String failure = "not probed yet";
    private volatile boolean wedged;
    private volatile boolean stopped;
    private Redis witness;
    private long timer = -1;

    RedisProbe(Redis shared, RedisClients clients, Vertx vertx, RedisHealthConfig config) {
        this.shared = shared;
        this.clients = clients;
        this.vertx = vertx;
        this.interval = config.probeInterval();
        this.timeout = config.probeTimeout();
        this.wedgedAfter = config.wedgedAfter();
    }

    /** Why the last PING through the shared client failed, or null when it was answered. */
    public String failure() {
        return failure;
    }

    /** How long the shared client has been failing (zero while it works). */
    public Duration failingFor() {
        return failure == null ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - lastSuccess);
    }

    /** The shared client has failed for longer than {@code wedged-after} while Redis answers a new connection. */
    public boolean wedged() {
        return wedged;
    }

    void start(@Observes StartupEvent event) {
        probe();
    }

    synchronized void stop(@Observes ShutdownEvent event) {
        stopped = true;
        vertx.cancelTimer(timer);
    }

    private void probe() {
        ping(shared).subscribe().with(ok -> {
            lastSuccess = System.nanoTime();
            failure = null;
            wedged = false;
            next();
        }, this::failed);
    }

    private void failed(Throwable e) {
        failure = e.getMessage() != null ? e.getMessage() : "no answer within " + timeout.toMillis() + " ms";
        if (failingFor().compareTo(wedgedAfter) < 0) {
            wedged = false;
            next();
            return;
        }
        ping(witness()).subscribe().with(ok -> {
            wedged = true;
            next();
        }, down -> {
            wedged = false;
            next();
        });
    }

    private Uni<Response> ping(Redis client) {
        return client.send(Request.cmd(Command.PING)).ifNoItem().after(timeout).fail();
    }

    private synchronized Redis witness() {
        if (witness == null) {
            witness = clients.create("liveness-witness", 1);
        }
        return witness;
    }

    private synchronized void next() {
        if (!stopped) {
            timer = vertx.setTimer(interval.toMillis(), id -> probe());
        }
    }
}
