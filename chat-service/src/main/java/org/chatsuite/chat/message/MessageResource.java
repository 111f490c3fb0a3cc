package org.chatsuite.chat.message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.chatsuite.chat.conversation.Membership;
import org.chatsuite.chat.realtime.RealtimeEvents;
import org.chatsuite.web.ApiException;
import org.chatsuite.web.ApiResponse;
import org.chatsuite.web.QueryParams;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/** History, sending and read state of one conversation. */
@Path("/api/chat/conversations/{id}")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class MessageResource {

    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 100;
    /** An offset page reads offset + limit stream entries; further back, the before cursor costs only the page. */
    static final int MAX_OFFSET = 1_000;

    private final Membership membership;
    private final MessageStore store;
    private final MessageService messages;
    private final JsonWebToken jwt;
    private final ObjectMapper json;
    private final Duration redisTimeout;

    MessageResource(Membership membership, MessageStore store, MessageService messages, JsonWebToken jwt,
            ObjectMapper json, @ConfigProperty(name = "quarkus.redis.timeout") Duration redisTimeout) {
        this.json = json;
        this.membership = membership;
        this.store = store;
        this.messages = messages;
        this.jwt = jwt;
        this.redisTimeout = redisTimeout;
    }

    @GET
    @Path("/messages/")
    public ApiResponse<History> history(@PathParam("id") String idParam, @QueryParam("limit") String limitParam,
            @QueryParam("offset") String offsetParam, @QueryParam("before") String before,
            @QueryParam("after") String after) {
        UUID id = membership.requireParticipant(idParam, caller());
        int limit = QueryParams.pageLimit(limitParam, DEFAULT_PAGE, MAX_PAGE);
        int offset = QueryParams.pageOffset(offsetParam);
        if (offset > MAX_OFFSET) {
            throw ApiException.badParameter("offset must be at most " + MAX_OFFSET
                    + "; to page further back, pass before=<id of the oldest message you have> instead");
        }
        if (before != null && after != null) {
            throw ApiException.badParameter("Use either before or after, not both");
        }
        String afterId = after == null ? null : MessageIds.require("after", after);
        String cursor = before == null ? null : MessageIds.require("before", before);
        int skip = after != null || cursor != null ? 0 : offset;
        int wanted = skip + limit + 1; // one more than the page tells whether there are more
        // The three round trips do not depend on each other: Redis gets them at once.
        var results = Uni.combine().all()
                .unis(store.count(id),
                        afterId != null ? store.entriesAfter(id, afterId, wanted) : store.entriesNewestBefore(id, cursor, wanted),
                        store.resetUnread(id, caller()))
                .asTuple().await().atMost(redisTimeout);
        List<StreamMessage<String, String, String>> read = results.getItem2();
        List<StreamMessage<String, String, String>> window = read.subList(Math.min(skip, read.size()), read.size());
        boolean hasMore = window.size() > limit;
        List<StreamMessage<String, String, String>> page = new ArrayList<>(window.subList(0, Math.min(limit, window.size())));
        if (afterId == null) {
            Collections.reverse(page); // read newest first
        }
        return ApiResponse.ok(new History(id, new StoredMessages(id, page), page.size(), results.getItem1(), hasMore));
    }

    @POST
    @Path("/messages/")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response send(@PathParam("id") String idParam, JsonNode body) {
        UUID id = membership.requireParticipant(idParam, caller());
        if (body == null || !body.isObject()) {
            throw ApiException.fieldError("content", "This field is required.");
        }
        MessageStore.Appended appended;
        try {
            appended = messages.send(id, sender(), body, membership.participants(id)).await().atMost(redisTimeout);
        } catch (MessageService.Rejected e) {
            throw ApiException.fieldError(e.field(), e.getMessage());
        }
        if (appended.duplicate()) {
            return Response.ok(ApiResponse.ok("Message already sent", appended.message())).build();
        }
        return Response.status(Response.Status.CREATED).entity(ApiResponse.ok("Message sent", appended.message())).build();
    }

    @POST
    @Path("/read/")
    public ApiResponse<RealtimeEvents.Read> read(@PathParam("id") String idParam, String rawBody) {
        UUID id = membership.requireParticipant(idParam, caller());
        // The body is optional (clients of the old API post nothing), so it is parsed here.
        JsonNode body = parseOptional(rawBody);
        String lastReadId = null;
        if (body != null && body.hasNonNull("last_read_id")) {
            lastReadId = MessageIds.require("last_read_id", body.get("last_read_id").asText());
        }
        return ApiResponse.ok("Marked as read", messages.markRead(id, caller(), lastReadId).await().atMost(redisTimeout));
    }

    private JsonNode parseOptional(String rawBody) {
        if (rawBody == null || rawBody.isBlank()) {
            return null;
        }
        try {
            JsonNode body = json.readTree(rawBody);
            if (!body.isObject()) {
                throw ApiException.badParameter("Request body must be a JSON object");
            }
            return body;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ApiException(400, "malformed_json", "Request body is not valid JSON of the expected shape");
        }
    }

    private long caller() {
        return Long.parseLong(jwt.getSubject());
    }

    private MessageStore.Sender sender() {
        return Senders.of(jwt);
    }

    @RegisterForReflection
    public record History(UUID conversationId, StoredMessages messages, int count, long total, boolean hasMore) {
    }

}
