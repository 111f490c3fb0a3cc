package org.chatsuite.chat.conversation;

import java.util.ArrayList;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.chatsuite.web.ApiException;
import org.chatsuite.web.ApiResponse;
import org.chatsuite.web.ApiResponse.PageMeta;
import org.chatsuite.web.QueryParams;
import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.security.Authenticated;

@Path("/api/chat/conversations")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class ConversationResource {

    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 100;
    static final int MAX_NAME = 255;

    private final ConversationService conversations;
    private final Membership membership;
    private final JsonWebToken jwt;

    ConversationResource(ConversationService conversations, Membership membership, JsonWebToken jwt) {
        this.conversations = conversations;
        this.membership = membership;
        this.jwt = jwt;
    }

    @GET
    @Path("/")
    public ApiResponse<List<ConversationView>> list(@QueryParam("limit") String limitParam,
            @QueryParam("offset") String offsetParam) {
        int limit = Math.max(1, Math.min(QueryParams.anyInt("limit", limitParam, DEFAULT_PAGE), MAX_PAGE));
        int offset = QueryParams.nonNegativeInt("offset", offsetParam, 0);
        ConversationService.Page page = conversations.list(caller(), limit, offset);
        return ApiResponse.page(page.conversations(), new PageMeta(limit, offset, page.total()));
    }

    @POST
    @Path("/")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(JsonNode body, @HeaderParam("Authorization") String authorization) {
        if (body == null || !body.isObject()) {
            throw ApiException.fieldError("participant_ids", "This field is required.");
        }
        JsonNode idsNode = body.get("participant_ids");
        if (idsNode == null || idsNode.isNull()) {
            throw ApiException.fieldError("participant_ids", "This field is required.");
        }
        if (!idsNode.isArray()) {
            throw ApiException.fieldError("participant_ids", "Must be a list of user ids.");
        }
        List<Long> ids = new ArrayList<>();
        for (JsonNode id : idsNode) {
            if (!id.isIntegralNumber() || !id.canConvertToLong() || id.asLong() <= 0) {
                throw ApiException.fieldError("participant_ids", "Must contain only positive integer user ids.");
            }
            ids.add(id.asLong());
        }
        String name = null;
        JsonNode nameNode = body.get("name");
        if (nameNode != null && !nameNode.isNull()) {
            if (!nameNode.isTextual()) {
                throw ApiException.fieldError("name", "Must be a string.");
            }
            name = nameNode.asText().strip();
            if (QueryParams.hasControlCharacters(name)) {
                throw ApiException.fieldError("name", "Must not contain control characters.");
            }
            if (name.length() > MAX_NAME) {
                throw ApiException.fieldError("name", "Must be at most " + MAX_NAME + " characters.");
            }
            if (name.isEmpty()) {
                name = null;
            }
        }
        ConversationService.Outcome outcome = conversations.create(caller(), ids, name, authorization);
        if (!outcome.created()) {
            return Response.ok(ApiResponse.ok("Conversation already exists", outcome.conversation())).build();
        }
        return Response.status(Response.Status.CREATED)
                .entity(ApiResponse.ok("Conversation created", outcome.conversation())).build();
    }

    @GET
    @Path("/{id}/")
    public ApiResponse<ConversationView> get(@PathParam("id") String idParam) {
        return ApiResponse.ok(conversations.get(membership.requireParticipant(idParam, caller()), caller()));
    }

    private long caller() {
        return Long.parseLong(jwt.getSubject());
    }
}
