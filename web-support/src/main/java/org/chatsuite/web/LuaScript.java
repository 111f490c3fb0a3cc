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
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * A Redis Lua script from the classpath (native images must include it as a resource). Runs by
 * its SHA-1 digest; the first call on a Redis that does not know it yet (NOSCRIPT, also after a
 * Redis restart) sends the text once. Each attempt borrows a pooled connection through the client's
 * one-shot {@code send}/{@code batch}, which returns it on every outcome, so a retry never holds two.
 * Other errors (LOADING while a restarted Redis reads its data, a refused connection) are not retried
 * here: the caller fails fast and its client retries, instead of requests piling up in the pool's
 * wait queue behind a Redis that cannot answer yet.
 */
public final class LuaScript {

    /** Calls per pipelined batch: well under a connection's limit of replies awaited at once (2048 by default). */
    private static final int BATCH = 500;

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
        return redis.execute(Command.EVALSHA, arguments(sha, keys, args))
                .onFailure(LuaScript::isNoScript)
                .recoverWithUni(() -> redis.execute(Command.EVAL, arguments(text, keys, args)));
    }

    /** The keys and arguments of one run of the script, for {@link #runAll}. */
    public record Call(List<String> keys, List<String> args) {
    }

    /**
     * Runs the script once per call, pipelined: up to {@value #BATCH} calls go out in one write on one
     * pooled connection (periodic work over many keys then costs one borrow, not one per key). Fails
     * as a whole when any call fails; after NOSCRIPT the script is loaded and the batch sent again.
     * Responses are in the order of the calls.
     */
    public Uni<List<Response>> runAll(ReactiveRedisDataSource redis, List<Call> calls) {
        Uni<List<Response>> all = Uni.createFrom().item(new ArrayList<>(calls.size()));
        for (int from = 0; from < calls.size(); from += BATCH) {
            List<Call> chunk = calls.subList(from, Math.min(calls.size(), from + BATCH));
            all = all.chain(responses -> batch(redis.getRedis(), chunk).map(more -> {
                responses.addAll(more);
                return responses;
            }));
        }
        return all;
    }

    private Uni<List<Response>> batch(Redis redis, List<Call> calls) {
        return redis.batch(requests(calls))
                .onFailure(LuaScript::isNoScript)
                .recoverWithUni(() -> redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(text))
                        .chain(() -> redis.batch(requests(calls))));
    }

    private List<Request> requests(List<Call> calls) {
        List<Request> requests = new ArrayList<>(calls.size());
        for (Call call : calls) {
            Request request = Request.cmd(Command.EVALSHA);
            for (String argument : arguments(sha, call.keys(), call.args())) {
                request.arg(argument);
            }
            requests.add(request);
        }
        return requests;
    }

    private static String[] arguments(String script, List<String> keys, List<String> args) {
        List<String> command = new ArrayList<>(keys.size() + args.size() + 2);
        command.add(script);
        command.add(String.valueOf(keys.size()));
        command.addAll(keys);
        command.addAll(args);
        return command.toArray(String[]::new);
    }

    /** A batch reports its failed commands in one message ("ERR [3] NOSCRIPT ..."). */
    private static boolean isNoScript(Throwable e) {
        return String.valueOf(e.getMessage()).contains("NOSCRIPT");
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
