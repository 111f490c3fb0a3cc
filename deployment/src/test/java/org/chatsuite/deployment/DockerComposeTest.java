package org.chatsuite.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docker-compose.yml: valid for Compose itself ({@code docker-compose config -q}, when installed), and
 * consistent with the services (replicas, health checks on their real ports, start order, settings
 * they actually read, the signing key only where it belongs).
 */
class DockerComposeTest {

    private static final List<String> APP_SERVICES = List.of("user-service", "chat-service-1", "chat-service-2", "gateway");
    private static final List<String> PASSWORDS = List.of("POSTGRES_PASSWORD", "USERS_DB_PASSWORD", "CHAT_DB_PASSWORD");
    private static Map<String, ServiceCatalog.Service> catalog;
    private static Map<String, Object> compose;
    private static Map<String, Object> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() {
        catalog = ServiceCatalog.load();
        // snakeyaml resolves the file's YAML anchors and merge keys (<<: *chat-service) as Compose does.
        compose = new Yaml(new SafeConstructor(new LoaderOptions())).load(Repo.read("docker-compose.yml"));
        services = (Map<String, Object>) compose.get("services");
    }

    @Test
    void composeAcceptsTheFileOnceThePasswordsAreChosen() {
        Repo.Result result = composeConfig(envExampleWith(PASSWORDS, null));
        assertThat(result.exitCode()).as("compose config with .env.example and the passwords filled in: " + result.stderr()).isZero();
    }

    @Test
    void everyPasswordIsRequiredAndAMissingOneIsNamed() {
        // No default password in the file: each one comes from .env, or Compose stops before starting anything.
        Matcher m = Pattern.compile("\\$\\{([A-Z_]*PASSWORD)(:?[-?])").matcher(Repo.read("docker-compose.yml"));
        Set<String> required = new TreeSet<>();
        while (m.find()) {
            assertThat(m.group(2)).as(m.group(1) + " must be required (${VAR:?message}), never defaulted").isEqualTo(":?");
            required.add(m.group(1));
        }
        assertThat(required).isEqualTo(new TreeSet<>(PASSWORDS));
        for (String missing : PASSWORDS) {
            List<String> chosen = PASSWORDS.stream().filter(p -> !p.equals(missing)).toList();
            Repo.Result result = composeConfig(envExampleWith(chosen, missing));
            assertThat(result.exitCode()).as("compose config without " + missing).isNotZero();
            assertThat(result.stderr()).as("compose config without " + missing)
                    .contains(missing + " is not set").contains("cp .env.example .env");
        }
    }

    @Test
    void theSuiteIsComplete() {
        assertThat(services).containsOnlyKeys("postgres", "redis", "user-service", "chat-service-1", "chat-service-2", "gateway");
        assertThat(compose).doesNotContainKey("version");
    }

    @Test
    void datastoreImagesArePinnedAndRedisPersists() {
        for (String name : List.of("postgres", "redis")) {
            String image = (String) service(name).get("image");
            assertThat(ManifestChecker.pinned(image)).as(name + " image " + image + " pinned").isTrue();
            assertThat(image).as(name).matches(".+:\\d+(\\.\\d+)+.*");
        }
        // A message is on disk before Redis acknowledges it (README.md, Delivery guarantees); .env may say otherwise.
        assertThat(String.join(" ", strings(service("redis").get("command"))))
                .contains("--appendonly yes", "--appendfsync ${REDIS_APPENDFSYNC:-always}");
        assertThat(Repo.read(".env.example").lines()).contains("REDIS_APPENDFSYNC=always");
        assertThat(strings(service("redis").get("volumes"))).anyMatch(v -> v.endsWith(":/data"));
        assertThat(strings(service("postgres").get("volumes"))).anyMatch(v -> v.endsWith(":/var/lib/postgresql/data"))
                .contains("./deploy/compose/postgres-init:/docker-entrypoint-initdb.d:ro");
        assertThat(Files.isExecutable(Repo.path("deploy/compose/postgres-init/01-databases.sh"))).isTrue();
        assertThat(strings(compose.get("volumes") instanceof Map<?, ?> m ? new ArrayList<>(m.keySet()) : List.of()))
                .contains("pgdata", "redisdata");
    }

    @Test
    void theInitScriptCreatesBothDatabasesWithTheirOwnRoles() {
        String script = Repo.read("deploy/compose/postgres-init/01-databases.sh");
        assertThat(script).contains("CREATE DATABASE users OWNER :\"users_user\"", "CREATE DATABASE chat OWNER :\"chat_user\"");
        Map<String, String> pg = environment("postgres");
        assertThat(pg).containsKeys("POSTGRES_PASSWORD", "USERS_DB_USER", "USERS_DB_PASSWORD", "CHAT_DB_USER", "CHAT_DB_PASSWORD");
        // The services log in as the role that owns their database.
        assertThat(environment("user-service").get("QUARKUS_DATASOURCE_USERNAME")).isEqualTo(pg.get("USERS_DB_USER"));
        assertThat(environment("user-service").get("QUARKUS_DATASOURCE_PASSWORD")).isEqualTo(pg.get("USERS_DB_PASSWORD"));
        assertThat(environment("chat-service-1").get("QUARKUS_DATASOURCE_USERNAME")).isEqualTo(pg.get("CHAT_DB_USER"));
        assertThat(environment("chat-service-1").get("QUARKUS_DATASOURCE_PASSWORD")).isEqualTo(pg.get("CHAT_DB_PASSWORD"));
        assertThat(environment("user-service")).containsEntry("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://postgres:5432/users");
        assertThat(environment("chat-service-2")).containsEntry("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://postgres:5432/chat");
    }

    @Test
    void everyServiceHasAHealthCheckAndStartsAfterHealthyDependencies() {
        for (String name : services.keySet()) {
            Map<String, Object> healthcheck = map(service(name).get("healthcheck"));
            assertThat(strings(healthcheck.get("test"))).as(name + " healthcheck").isNotEmpty();
        }
        assertThat(dependsOn("user-service")).containsOnlyKeys("postgres", "redis");
        assertThat(dependsOn("chat-service-1")).containsOnlyKeys("postgres", "redis", "user-service");
        assertThat(dependsOn("chat-service-2")).containsOnlyKeys("postgres", "redis", "user-service");
        assertThat(dependsOn("gateway")).containsOnlyKeys("user-service", "chat-service-1", "chat-service-2");
        for (String name : APP_SERVICES) {
            dependsOn(name).forEach((dependency, condition) ->
                    assertThat(map(condition)).as(name + " -> " + dependency).containsEntry("condition", "service_healthy"));
        }
    }

    @Test
    void appHealthChecksAskTheReadinessEndpointOnTheManagementPort() {
        for (String name : APP_SERVICES) {
            ServiceCatalog.Service s = catalog.get(serviceOf(name));
            String test = String.join(" ", strings(map(service(name).get("healthcheck")).get("test")));
            // No curl/wget in the UBI runtime images: bash's /dev/tcp, which they have.
            assertThat(test).as(name).startsWith("CMD bash -c")
                    .contains("/dev/tcp/127.0.0.1/" + s.managementPort() + " ")
                    .contains("GET " + ServiceCatalog.READY + " ")
                    .contains("' 200 '");
            int stopGrace = (int) ServiceCatalog.duration(String.valueOf(service(name).get("stop_grace_period"))).toSeconds();
            assertThat(stopGrace).as(name + " stop_grace_period")
                    .isGreaterThan((int) (s.shutdownTimeout().toSeconds() + s.shutdownDelay().toSeconds()));
        }
    }

    @Test
    void appImagesAreBuiltFromTheServicesJvmDockerfiles() {
        for (String name : APP_SERVICES) {
            Map<String, Object> build = map(service(name).get("build"));
            String context = String.valueOf(build.get("context"));
            assertThat(context).isEqualTo("./" + serviceOf(name));
            assertThat(build.get("dockerfile")).isEqualTo("src/main/docker/Dockerfile.jvm");
            assertThat(Files.isRegularFile(Repo.path(serviceOf(name) + "/src/main/docker/Dockerfile.jvm"))).isTrue();
            String image = String.valueOf(service(name).get("image"));
            assertThat(ManifestChecker.pinned(image)).as(image).isTrue();
            assertThat(service(name)).containsEntry("read_only", true);
            assertThat(strings(service(name).get("cap_drop"))).containsExactly("ALL");
        }
    }

    @Test
    void everyVariableIsASettingOfItsService() {
        for (String name : APP_SERVICES) {
            ServiceCatalog.Service s = catalog.get(serviceOf(name));
            assertThat(environment(name).keySet()).as(name).allSatisfy(env -> assertThat(s.knows(env))
                    .as(env + " is a setting of " + s.name() + " (application.properties / README)").isTrue());
        }
    }

    @Test
    void theGatewayIsTheEntryPointAndUsesBothChatReplicas() {
        assertThat(strings(service("gateway").get("ports"))).containsExactly("${GATEWAY_PORT:-8080}:8080");
        for (String name : services.keySet()) {
            if (!name.equals("gateway")) {
                assertThat(service(name)).as(name + " publishes no port").doesNotContainKey("ports");
            }
        }
        Map<String, String> gateway = environment("gateway");
        int chatPort = catalog.get("chat-service").httpPort();
        assertThat(gateway.get("CHATSUITE_UPSTREAMS_CHAT_SERVICE").split(","))
                .containsExactly("http://chat-service-1:" + chatPort, "http://chat-service-2:" + chatPort);
        String jwks = "http://user-service:" + catalog.get("user-service").httpPort() + "/.well-known/jwks.json";
        assertThat(gateway).containsEntry("MP_JWT_VERIFY_PUBLICKEY_LOCATION", jwks);
        assertThat(environment("chat-service-1")).containsEntry("MP_JWT_VERIFY_PUBLICKEY_LOCATION", jwks)
                .containsEntry("QUARKUS_REST_CLIENT_USERS_URL", "http://user-service:" + catalog.get("user-service").httpPort());
        assertThat(environment("chat-service-1")).isEqualTo(environment("chat-service-2"));
        // The trusted-proxy default must be IP ranges (a host name costs a DNS lookup per request).
        String proxies = gateway.get("QUARKUS_HTTP_PROXY_TRUSTED_PROXIES");
        Matcher m = Pattern.compile("\\$\\{[A-Z_]+:-([^}]*)}").matcher(proxies);
        assertThat(m.matches()).isTrue();
        assertThat(m.group(1).split(",")).allMatch(r -> r.matches("\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,2})?"));
    }

    @Test
    void theEnvExampleLeavesThePasswordsEmptyAndTheEnvFileIsNotCommitted() {
        for (String line : Repo.read(".env.example").lines().toList()) {
            if (line.matches("[A-Z_]*PASSWORD=.*")) {
                assertThat(line).as("a password in .env.example is for the user to choose").endsWith("=");
            }
        }
        assertThat(Repo.read(".gitignore").lines()).contains("/.env");
    }

    @Test
    void onlyUserServiceGetsTheSigningKeyReadOnly() {
        Map<String, String> user = environment("user-service");
        String location = user.get("CHATSUITE_JWT_PRIVATE_KEY_LOCATION");
        assertThat(strings(service("user-service").get("volumes")))
                .anyMatch(v -> v.endsWith(":" + location + ":ro"));
        for (String name : services.keySet()) {
            if (!name.equals("user-service")) {
                assertThat(String.valueOf(service(name))).as(name).doesNotContain("jwt-private", "CHATSUITE_JWT_PRIVATE_KEY");
            }
        }
        assertThat(Repo.read("deploy/compose/.gitignore")).contains("secrets/*");
    }

    @Test
    void theSigningKeyIsToBelongToUserServicesUserAlone() {
        // A bind mount keeps the host file's owner and mode, so the instructions set them; the uid they
        // name must be the one user-service runs as.
        String uid = String.valueOf(service("user-service").get("user"));
        assertThat(Repo.read("user-service/src/main/docker/Dockerfile.jvm").lines()).contains("USER " + uid);
        for (String file : List.of("docker-compose.yml", ".env.example", "docs/DEPLOY.md")) {
            assertThat(Repo.read(file)).as(file)
                    .contains("chmod 400 deploy/compose/secrets/jwt-private.pem")
                    .contains("chown " + uid + ":" + uid + " deploy/compose/secrets/jwt-private.pem")
                    .doesNotContain("chmod 644");
        }
    }

    @Test
    void everyInterpolatedVariableIsDocumentedInTheEnvExample() {
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)").matcher(Repo.read("docker-compose.yml"));
        while (m.find()) {
            used.add(m.group(1));
        }
        Set<String> documented = new TreeSet<>();
        for (String line : Repo.read(".env.example").lines().toList()) {
            if (line.matches("[A-Z_][A-Z0-9_]*=.*")) {
                documented.add(line.substring(0, line.indexOf('=')));
            }
        }
        assertThat(used).isNotEmpty().isEqualTo(documented);
    }

    // ---------------------------------------------------------------- helpers

    /** {@code config -q} with only the given env file: the test's own environment must not supply a value. */
    private static Repo.Result composeConfig(Path envFile) {
        List<String> command;
        if (Repo.onPath("docker-compose").isPresent()) {
            command = new ArrayList<>(List.of("docker-compose"));
        } else {
            boolean plugin = Repo.onPath("docker").isPresent() && Repo.run("docker", "compose", "version").exitCode() == 0;
            assumeTrue(plugin, "neither docker-compose nor the docker compose plugin is installed "
                    + "(apt-get install -y docker-compose): Compose's own validation is skipped");
            command = new ArrayList<>(List.of("docker", "compose"));
        }
        command.addAll(List.of("--env-file", envFile.toString(), "-f", "docker-compose.yml", "config", "-q"));
        Set<String> fromEnvFile = new TreeSet<>();
        for (String line : Repo.lines(Repo.read(".env.example"))) {
            if (line.matches("[A-Z_][A-Z0-9_]*=.*")) {
                fromEnvFile.add(line.substring(0, line.indexOf('=')));
            }
        }
        return Repo.runWithout(fromEnvFile, command.toArray(String[]::new));
    }

    /** .env.example with a value for each of {@code chosen} and none at all for {@code left}. */
    private static Path envExampleWith(List<String> chosen, String left) {
        StringBuilder env = new StringBuilder();
        for (String line : Repo.lines(Repo.read(".env.example"))) {
            String name = line.contains("=") ? line.substring(0, line.indexOf('=')) : "";
            if (chosen.contains(name)) {
                env.append(name).append("=chosen-").append(name.toLowerCase(Locale.ROOT)).append('\n');
            } else if (!name.equals(left)) {
                env.append(line).append('\n');
            }
        }
        try {
            Path file = Files.createTempFile("chatsuite-compose", ".env");
            file.toFile().deleteOnExit();
            return Files.writeString(file, env);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String serviceOf(String composeService) {
        return composeService.replaceAll("-\\d+$", "");
    }

    private static Map<String, Object> service(String name) {
        assertThat(services).containsKey(name);
        return map(services.get(name));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    private static List<String> strings(Object o) {
        List<String> list = new ArrayList<>();
        if (o instanceof List<?> l) {
            l.forEach(x -> list.add(String.valueOf(x)));
        } else if (o != null) {
            list.add(String.valueOf(o));
        }
        return list;
    }

    private static Map<String, Object> dependsOn(String name) {
        return map(service(name).get("depends_on"));
    }

    private static Map<String, String> environment(String name) {
        Map<String, String> env = new java.util.TreeMap<>();
        map(service(name).get("environment")).forEach((k, v) -> env.put(k, String.valueOf(v)));
        return env;
    }
}
