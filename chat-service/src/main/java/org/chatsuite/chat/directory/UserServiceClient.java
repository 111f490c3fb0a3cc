package org.chatsuite.chat.directory;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** user-service's batch lookup, called with the caller's own token. */
@RegisterRestClient(configKey = "users")
@Path("/api/users")
public interface UserServiceClient {

    @GET
    @Path("/batch/")
    Batch batch(@QueryParam("ids") String ids, @HeaderParam("Authorization") String authorization);

    @RegisterForReflection
    record Batch(List<UserProfile> data) {
    }
}
