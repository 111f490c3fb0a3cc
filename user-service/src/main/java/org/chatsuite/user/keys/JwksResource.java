package org.chatsuite.user.keys;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Response;

/** Public keys for local token verification by the other services (a plain JWK Set, not enveloped). */
@Path("/.well-known/jwks.json")
public class JwksResource {

    private static final CacheControl FIVE_MINUTES = CacheControl.valueOf("public, max-age=300");

    private final SigningKeys keys;

    JwksResource(SigningKeys keys) {
        this.keys = keys;
    }

    @GET
    @Produces("application/json")
    public Response jwks() {
        return Response.ok(keys.jwksJson()).cacheControl(FIVE_MINUTES).build();
    }
}
