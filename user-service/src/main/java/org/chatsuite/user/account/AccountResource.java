package org.chatsuite.user.account;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.chatsuite.web.ApiException;
import org.chatsuite.web.QueryParams;
import org.chatsuite.web.ApiResponse;
import org.chatsuite.web.ApiResponse.PageMeta;
import org.chatsuite.web.JsonFields;
import org.chatsuite.web.Validation;
import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.quarkus.security.Authenticated;

/** The caller's profile, and other users for finding chat partners. */
@Path("/api/users")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class AccountResource {

    static final int MAX_PAGE = 100;
    static final int MAX_BATCH = 256;

    /**
     * A user id: any segment but the names of the one-segment fixed routes under /api/users (a new
     * one belongs in this list). RESTEasy Reactive picks the routes of the request's method before
     * matching paths, so GET /api/users/login/ would otherwise read "login" as an id instead of
     * answering 405. Other segments that are not numbers reach {@link #byId} for a clear 400.
     */
    private static final String ID_SEGMENT = "(?!(?:login|register|logout|profile|list|batch)/?$)[^/]+";

    private final JsonWebToken jwt;

    AccountResource(JsonWebToken jwt) {
        this.jwt = jwt;
    }

    @GET
    @Path("/profile/")
    public ApiResponse<UserView> profile() {
        return ApiResponse.ok(UserView.of(currentUser()));
    }

    @PATCH
    @Path("/profile/")
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    public ApiResponse<UserView> updateProfile(JsonNode body) {
        User user = currentUser();
        Validation validation = new Validation();
        JsonFields fields = JsonFields.of(body, validation);
        String firstName = changedName(validation, "first_name", fields.string("first_name"));
        String lastName = changedName(validation, "last_name", fields.string("last_name"));
        validation.throwIfInvalid();
        if (firstName != null) {
            user.firstName = firstName;
        }
        if (lastName != null) {
            user.lastName = lastName;
        }
        return ApiResponse.ok("Profile updated", UserView.of(user));
    }

    @GET
    @Path("/list/")
    public ApiResponse<List<UserView>> list(@QueryParam("q") String q, @QueryParam("limit") String limitParam,
            @QueryParam("offset") String offsetParam) {
        int limit = Math.min(QueryParams.nonNegativeInt("limit", limitParam, MAX_PAGE), MAX_PAGE);
        int offset = QueryParams.nonNegativeInt("offset", offsetParam, 0);
        String query = "id <> :me";
        Parameters params = Parameters.with("me", callerId());
        QueryParams.text("q", q);
        if (q != null && !q.isBlank()) {
            query += " and (lower(email) like :q escape '\\' or lower(concat(firstName, ' ', lastName)) like :q escape '\\')";
            params.and("q", "%" + likeEscape(q.strip().toLowerCase(java.util.Locale.ROOT)) + "%");
        }
        long total = User.count(query, params);
        List<UserView> users = limit == 0 ? List.of()
                : User.<User>find(query, Sort.descending("dateJoined", "id"), params)
                        .range(offset, offset + limit - 1).stream().map(UserView::of).toList();
        return ApiResponse.page(users, new PageMeta(limit, offset, total));
    }

    @GET
    @Path("/batch/")
    public ApiResponse<List<UserView>> batch(@QueryParam("ids") String idsParam) {
        Set<Long> ids = new LinkedHashSet<>();
        if (idsParam != null && !idsParam.isBlank()) {
            for (String part : idsParam.split(",")) {
                ids.add(QueryParams.positiveId("ids", part.strip()));
            }
        }
        if (ids.isEmpty()) {
            throw ApiException.badParameter("ids must list at least one user id, e.g. ?ids=1,2,3");
        }
        if (ids.size() > MAX_BATCH) {
            throw ApiException.badParameter("At most " + MAX_BATCH + " ids per request");
        }
        List<UserView> users = new ArrayList<>();
        User.<User>list("id in ?1", Sort.ascending("id"), ids).forEach(u -> users.add(UserView.of(u)));
        return ApiResponse.ok(users);
    }

    @GET
    @Path("/{id: " + ID_SEGMENT + "}/")
    public ApiResponse<UserView> byId(@PathParam("id") String idParam) {
        User user = User.findById(QueryParams.positiveId("id", idParam));
        if (user == null) {
            throw ApiException.notFound("User not found");
        }
        return ApiResponse.ok(UserView.of(user));
    }

    /** A name to change only when one was given: a partial update leaves absent fields alone. */
    private static String changedName(Validation validation, String field, String raw) {
        return raw == null ? null : NameRules.check(validation, field, raw);
    }

    private long callerId() {
        return Long.parseLong(jwt.getSubject());
    }

    private User currentUser() {
        User user = User.findById(callerId());
        if (user == null) {
            throw ApiException.unauthorized("user_not_found", "The token's user no longer exists");
        }
        return user;
    }

    private static String likeEscape(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

}
