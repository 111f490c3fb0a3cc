package org.chatsuite.user.web;

import java.util.Set;
import java.util.TreeSet;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.core.CurrentRequestManager;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.handlers.ClassRoutingHandler;
import org.jboss.resteasy.reactive.server.handlers.RestInitialHandler.InitialMatch;
import org.jboss.resteasy.reactive.server.mapping.RequestMapper;
import org.jboss.resteasy.reactive.server.spi.ServerRestHandler;

/**
 * A 405 must name the methods the path does serve (RFC 9110 §15.5.6), and RESTEasy Reactive's 405
 * names none. They are read from RESTEasy Reactive's own routing tables, the way it finds the
 * 405 in the first place, so no second list of routes exists to fall out of step.
 */
public class AllowHeader {

    @ServerResponseFilter
    public void onMethodNotAllowed(ContainerResponseContext response) {
        if (response.getStatus() == 405 && !response.getHeaders().containsKey(HttpHeaders.ALLOW)) {
            Set<String> allowed = methodsServing(CurrentRequestManager.get());
            if (!allowed.isEmpty()) {
                response.getHeaders().putSingle(HttpHeaders.ALLOW, String.join(", ", allowed));
            }
        }
    }

    private static Set<String> methodsServing(ResteasyReactiveRequestContext request) {
        Set<String> methods = new TreeSet<>();
        String path = request.getPathWithoutPrefix();
        RequestMapper<InitialMatch> resources = new RequestMapper<>(request.getDeployment().getClassMappers());
        // Several resource classes may share a path prefix (here /api/users): ask each of them.
        for (var resource = resources.map(path); resource != null; resource = resources.continueMatching(path, resource)) {
            String remaining = resource.remaining.isEmpty() ? "/" : resource.remaining;
            for (ServerRestHandler handler : resource.value.handlers) {
                if (handler instanceof ClassRoutingHandler routing) {
                    routing.getMappers().forEach((method, paths) -> {
                        if (method != null && paths.map(remaining) != null) {
                            methods.add(method);
                        }
                    });
                }
            }
        }
        if (methods.contains(HttpMethod.GET)) {
            methods.add(HttpMethod.HEAD); // served by every GET route
        }
        return methods;
    }
}
