package org.chatsuite.processes;

/**
 * The two ports of a local service: {@code http} for its API (what the gateway and clients call) and
 * {@code management} for its health checks and metrics (Quarkus' management interface), which
 * nothing but probes and monitoring is meant to reach.
 */
public record ServicePorts(int http, int management) {

    /** Two loopback ports nobody listens on right now. */
    public static ServicePorts free() {
        return new ServicePorts(Ports.free(), Ports.free());
    }

    /** {@code http} for the API, a free port for health and metrics. */
    public static ServicePorts onHttpPort(int http) {
        return new ServicePorts(http, Ports.free());
    }

    public String url() {
        return SuiteSettings.localUrl(http);
    }

    /** Where health ({@code /q/health/*}) and metrics ({@code /q/metrics}) are. */
    public String managementUrl() {
        return SuiteSettings.localUrl(management);
    }
}
