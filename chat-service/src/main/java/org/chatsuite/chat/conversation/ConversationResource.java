package org.chatsuite.chat.conversation;

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
        int limit = QueryParams.pageLimit(limitParam, DEFAULT_PAGE, MAX_PAGE);
        // Not capped as history's: the list has no cursor to use instead, and PostgreSQL sorts the caller's rows
        // for any offset (the cost grows with their number, not with the offset).
        int offset = QueryParams.pageOffset(offsetParam);
        ConversationService.Page page = conversations.list(caller(), limit, offset);
        return ApiResponse.page(page.conversations(), new PageMeta(limit, offset, page.total()));
    }

    @POST
    @Path("/")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(JsonNode body, @HeaderParam("Authorization") String authorization) {
        NewConversation request = NewConversation.parse(body);
        ConversationService.Outcome outcome = conversations.create(caller(), request.participantIds(), request.name(), authorization);
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
