package org.chatsuite.gateway;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/** The real user-service and chat-service (and their stores) for every test of this module. */
@WithTestResource(value = SuiteResource.class, scope = TestResourceScope.GLOBAL)
public final class GatewayTestResources {
}
