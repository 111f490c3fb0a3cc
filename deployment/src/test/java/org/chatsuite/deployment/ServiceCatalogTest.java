package org.chatsuite.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The facts the deployment checks rely on, read from the services' own configuration. */
class ServiceCatalogTest {

    @Test
    void readsPortsShutdownTimingsAndSettingsFromTheServices() {
        Map<String, ServiceCatalog.Service> services = ServiceCatalog.load();
        assertThat(services.get("user-service").httpPort()).isEqualTo(8081);
        assertThat(services.get("chat-service").httpPort()).isEqualTo(8082);
        assertThat(services.get("gateway").httpPort()).isEqualTo(8080);
        assertThat(services.values()).allSatisfy(s -> assertThat(s.managementPort()).isEqualTo(9000));
        assertThat(services.get("chat-service").shutdownDelay()).isEqualTo(Duration.ofSeconds(1));
        // No timeout where sockets are served: Quarkus's tracker never sees an upgraded request end.
        assertThat(services.get("chat-service").shutdownTimeout()).isZero();
        assertThat(services.get("gateway").shutdownTimeout()).isZero();
        assertThat(services.get("user-service").shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(services.get("user-service").shutdownDelay()).isZero();
        // From the README table only (a @ConfigMapping property without a line in application.properties).
        assertThat(services.get("user-service").knows("CHATSUITE_JWT_PRIVATE_KEY_LOCATION")).isTrue();
        assertThat(services.get("chat-service").knows("CHATSUITE_JWT_PRIVATE_KEY_LOCATION")).isFalse();
        // From application.properties, including a %prod. line and a quoted segment.
        assertThat(services.get("gateway").knows("CHATSUITE_UPSTREAMS_CHAT_SERVICE")).isTrue();
        assertThat(services.get("chat-service").knows("QUARKUS_REST_CLIENT_USERS_URL")).isTrue();
        assertThat(services.get("gateway").knows("QUARKUS_REST_CLIENT_USERS_URL")).isFalse();
    }

    @Test
    void healthAndMetricsMustBeOnTheManagementInterface() {
        String readme = "### gateway\n| `QUARKUS_HTTP_PORT` | 8080 |\n";
        assertThatThrownBy(() -> ServiceCatalog.fromProperties("gateway", "quarkus.http.port=8080\n", readme))
                .hasMessageContaining("quarkus.management.enabled=true");
        assertThatThrownBy(() -> ServiceCatalog.fromProperties("gateway",
                "quarkus.management.enabled=true\nquarkus.micrometer.export.prometheus.path=/metrics\n", readme))
                .hasMessageContaining("/q/metrics");
        assertThat(ServiceCatalog.fromProperties("gateway", "quarkus.management.enabled=true\nquarkus.management.port=9100\n",
                readme).managementPort()).isEqualTo(9100);
    }

    @Test
    void mapsPropertiesToEnvironmentVariablesLikeSmallRyeConfig() {
        assertThat(ServiceCatalog.toEnv("quarkus.rest-client.users.url")).isEqualTo("QUARKUS_REST_CLIENT_USERS_URL");
        assertThat(ServiceCatalog.toEnv("quarkus.log.category.\"org.chatsuite.access\".level"))
                .isEqualTo("QUARKUS_LOG_CATEGORY__ORG_CHATSUITE_ACCESS__LEVEL");
    }

    @Test
    void parsesQuarkusDurations() {
        assertThat(ServiceCatalog.duration("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(ServiceCatalog.duration("15M")).isEqualTo(Duration.ofMinutes(15));
        assertThat(ServiceCatalog.duration("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(ServiceCatalog.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ServiceCatalog.duration("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> ServiceCatalog.duration("soon")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aServiceWithoutAReadmeTableIsAnError() {
        assertThatThrownBy(() -> ServiceCatalog.readmeVariables("# x\n### other\n| `A_B` | 1 |\n", "gateway"))
                .hasMessageContaining("### gateway");
        assertThat(ServiceCatalog.readmeVariables("### gateway\n| `A_B`, `C_D` | `E_F` |\n### next\n| `G` |", "gateway"))
                .containsExactly("A_B", "C_D");
    }
}
