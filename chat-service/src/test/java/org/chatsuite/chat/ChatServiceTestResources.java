package org.chatsuite.chat;

import org.chatsuite.testsupport.ChatSuiteTestResource;
import org.chatsuite.testsupport.UserServiceResource;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/** PostgreSQL (database "chat"), Redis, a key pair and the real user-service for every test of this module. */
@WithTestResource(value = ChatSuiteTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "chat"))
@WithTestResource(value = UserServiceResource.class, scope = TestResourceScope.GLOBAL)
public final class ChatServiceTestResources {
}
