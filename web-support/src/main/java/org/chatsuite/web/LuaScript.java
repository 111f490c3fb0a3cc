package org.chatsuite.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * A Redis Lua script from the classpath (native images must include it as a resource). Runs by
 * its SHA-1 digest; the first call on a Redis that does not know it yet (NOSCRIPT, also after a
 * Redis restart) sends the text once.
 */
public final class LuaScript {

    private final String text;
    private final String sha;

    private LuaScript(String text) {
        this.text = text;
        this.sha = sha1(text);
    }

    public static LuaScript load(String classpathResource) {
        try (InputStream in = LuaScript.class.getResourceAsStream(classpathResource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + classpathResource);
            }
            return new LuaScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Uni<Response> run(ReactiveRedisDataSource redis, List<String> keys, List<String> args) {
        List<String> command = new ArrayList<>(keys.size() + args.size() + 2);
        command.add(sha);
        command.add(String.valueOf(keys.size()));
        command.addAll(keys);
        command.addAll(args);
        String[] argv = command.toArray(String[]::new);
        return redis.execute("EVALSHA", argv)
                .onFailure(e -> String.valueOf(e.getMessage()).startsWith("NOSCRIPT"))
                .recoverWithUni(() -> {
                    String[] withText = argv.clone();
                    withText[0] = text;
                    return redis.execute("EVAL", withText);
                });
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
