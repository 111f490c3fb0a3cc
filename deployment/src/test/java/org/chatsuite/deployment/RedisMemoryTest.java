package org.chatsuite.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

/**
 * Redis has a memory limit and refuses writes at it instead of evicting keys (an eviction could drop a
 * revocation key), the same in Compose and Kubernetes, with room for the AOF rewrite's fork, and an
 * alert warns before it is reached.
 */
class RedisMemoryTest {

    private static final Pattern REDIS_BYTES = Pattern.compile("(\\d+)(b|kb|mb|gb)?");
    private static final String ALERTS = "deploy/prometheus/redis-alerts.yml";

    @Test
    void composeAndKubernetesRefuseWritesAtTheSameMaxmemory() {
        List<String> compose = composeRedisCommand();
        List<String> kubernetes = kubernetesRedis().getArgs();
        for (List<String> args : List.of(compose, kubernetes)) {
            assertThat(option(args, "--maxmemory-policy")).as(String.join(" ", args)).isEqualTo("noeviction");
        }
        // Compose lets .env override the size; its default is the size Kubernetes uses.
        Matcher variable = Pattern.compile("\\$\\{REDIS_MAXMEMORY:-([^}]+)}").matcher(option(compose, "--maxmemory"));
        assertThat(variable.matches()).as("compose: --maxmemory ${REDIS_MAXMEMORY:-<size>}").isTrue();
        String size = variable.group(1);
        assertThat(option(kubernetes, "--maxmemory")).isEqualTo(size);
        assertThat(Repo.read(".env.example").lines()).contains("REDIS_MAXMEMORY=" + size);
        assertThat(redisBytes(size)).isPositive();
    }

    @Test
    void theContainerLimitLeavesRoomForTheAofRewrite() {
        Container redis = kubernetesRedis();
        long maxmemory = redisBytes(option(redis.getArgs(), "--maxmemory"));
        BigDecimal limit = Quantity.getAmountInBytes(redis.getResources().getLimits().get("memory"));
        // The rewrite forks: pages written meanwhile are copied, and client buffers come on top.
        assertThat(limit).as("memory limit vs maxmemory %d", maxmemory)
                .isGreaterThanOrEqualTo(BigDecimal.valueOf(maxmemory).multiply(new BigDecimal("1.5")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void anAlertFiresAt80PercentOfMaxmemory() {
        Map<String, Object> file = new Yaml(new SafeConstructor(new LoaderOptions())).load(Repo.read(ALERTS));
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Object group : (List<Object>) file.get("groups")) {
            rules.addAll((List<Map<String, Object>>) ((Map<String, Object>) group).get("rules"));
        }
        assertThat(rules).extracting(r -> r.get("alert") + ": " + r.get("expr"))
                .contains("RedisMemoryHigh: redis_memory_used_bytes / (redis_memory_max_bytes > 0) > 0.8");
        assertThat(Repo.read("docs/DEPLOY.md")).contains(ALERTS, "noeviction");
    }

    @Test
    void theAlertsBehaveAsTheirUnitTestsSay() {
        assumeTrue(Repo.onPath("promtool").isPresent(),
                "promtool is not on PATH (apt-get install -y prometheus): the alert rules' unit tests are skipped");
        Repo.Result result = Repo.run("promtool", "test", "rules", "deploy/prometheus/redis-alerts.test.yml");
        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
    }

    // ---------------------------------------------------------------- helpers

    @SuppressWarnings("unchecked")
    private static List<String> composeRedisCommand() {
        Map<String, Object> compose = new Yaml(new SafeConstructor(new LoaderOptions())).load(Repo.read("docker-compose.yml"));
        Map<String, Object> redis = (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get("redis");
        return ((List<Object>) redis.get("command")).stream().map(String::valueOf).toList();
    }

    private static Container kubernetesRedis() {
        StatefulSet redis = Manifests.get(Manifests.parse(Repo.read("k8s/overlays/dev/redis.yaml")), StatefulSet.class, "redis");
        return redis.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    /** The value after {@code name} in a redis-server command line. */
    private static String option(List<String> args, String name) {
        int at = args.indexOf(name);
        assertThat(at).as(name + " in " + args).isNotNegative().isLessThan(args.size() - 1);
        return args.get(at + 1);
    }

    /** Redis' units ending in b (kb, mb, gb) count in 1024s; the bare k, m and g (1000s) are not accepted here. */
    private static long redisBytes(String size) {
        Matcher m = REDIS_BYTES.matcher(size.toLowerCase(Locale.ROOT));
        assertThat(m.matches()).as("a Redis size in bytes, kb, mb or gb: " + size).isTrue();
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        return switch (unit) {
            case "kb" -> n << 10;
            case "mb" -> n << 20;
            case "gb" -> n << 30;
            default -> n;
        };
    }
}
