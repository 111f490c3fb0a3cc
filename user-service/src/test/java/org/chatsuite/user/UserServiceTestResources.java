package org.chatsuite.user;

import org.chatsuite.testsupport.ChatSuiteTestResource;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/** One PostgreSQL database ("users"), one Redis and one key pair for every test of this module. */
@WithTestResource(value = ChatSuiteTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = { @ResourceArg(name = "database", value = "users"), @ResourceArg(name = "signs-tokens", value = "true") })
public final class UserServiceTestResources {
}
