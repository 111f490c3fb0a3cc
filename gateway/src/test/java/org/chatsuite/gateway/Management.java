package org.chatsuite.gateway;

import java.net.URI;

import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/** The gateway's management interface (health, metrics) in a {@code @QuarkusTest}: a port of its own, picked at start. */
final class Management {

    private Management() {
    }

    static RequestSpecification given() {
        return RestAssured.given().port(URI.create(TestHTTPResourceManager.getManagementUri()).getPort());
    }
}
