package org.chatsuite.chat;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.chatsuite.web.ApiResponse;

/** The Django-era liveness endpoint, kept for existing clients (operations use /q/health). */
@Path("/api/chat/health")
public class HealthResource {

    @GET
    @Path("/")
    @Produces(MediaType.APPLICATION_JSON)
    public ApiResponse<Void> health() {
        return ApiResponse.ok("API is running", null);
    }
}
