package org.chatsuite.chat.redis;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import io.quarkus.redis.client.RedisOptionsCustomizer;
import io.quarkus.redis.runtime.client.config.RedisConfig;
import io.vertx.core.net.NetClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/**
 * Redis clients with a connection pool of their own and the default client's settings (hosts,
 * password, TLS), for connections that must not compete with commands for the shared pool: the
 * fan-out's subscriber, which holds its connection for as long as it lives, and the liveness check's
 * witness. Their pools show in the metrics under their own {@code pool_name}.
 */
@ApplicationScoped
public class RedisClients implements RedisOptionsCustomizer {

    // Looked up when a client is made: Quarkus calls customize() before the Vert.x bean exists.
    private final Instance<Vertx> vertx;
    private final List<Redis> created = new CopyOnWriteArrayList<>();
    private volatile RedisOptions defaults;

    RedisClients(Instance<Vertx> vertx) {
        this.vertx = vertx;
    }

    /** Called by Quarkus with the final options of each client it creates; the default one is kept as the model. */
    @Override
    public void customize(String clientName, RedisOptions options) {
        if (RedisConfig.isDefaultClient(clientName)) {
            defaults = new RedisOptions(options);
        }
    }

    /** A new client (closed with the application) whose pool holds at most {@code poolSize} connections. */
    public Redis create(String name, int poolSize) {
        if (defaults == null) {
            throw new IllegalStateException("the default Redis client has not been configured yet");
        }
        RedisOptions options = new RedisOptions(defaults)
                .setNetClientOptions(new NetClientOptions(defaults.getNetClientOptions()).setMetricsName("redis|" + name))
                .setPoolName(name)
                .setMaxPoolSize(poolSize);
        Redis client = Redis.createClient(vertx.get(), options);
        created.add(client);
        return client;
    }

    @PreDestroy
    void close() {
        created.forEach(Redis::close);
    }
}
