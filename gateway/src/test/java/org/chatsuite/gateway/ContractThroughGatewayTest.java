package org.chatsuite.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The contract as a client sees it through the gateway: methods, paging, field types. */
@QuarkusTest
class ContractThroughGatewayTest {

    @Test
    void fixedUserRoutesAnswerOtherMethodsWith405AndAllow() {
        var response = given().when().get("/api/users/login/").then().statusCode(405)
                .body("code", equalTo("method_not_allowed")).extract();
        assertThat(response.header("Allow")).contains("POST");
        Api.User ada = Api.newUser("Ada");
        ada.api().when().delete("/api/users/profile/").then().statusCode(405);
    }

    @Test
    void historyPagingIsClampedAsTheOldApiDid() {
        Api.User ada = Api.newUser("Ada");
        Api.User bob = Api.newUser("Bob");
        String c = Api.conversation(ada, bob);
        for (int i = 0; i < 3; i++) {
            ada.api().contentType(ContentType.JSON).body(Map.of("content", "m" + i))
                    .post("/api/chat/conversations/" + c + "/messages/").then().statusCode(201);
        }
        ada.api().when().get("/api/chat/conversations/" + c + "/messages/?limit=99999999999999999999&offset=-3")
                .then().statusCode(200).body("data.count", equalTo(3));
        ada.api().when().get("/api/chat/conversations/" + c + "/messages/?limit=abc").then().statusCode(400)
                .body("code", equalTo("bad_parameter"));
    }

    @Test
    void wronglyTypedFieldsAreValidationErrorsFieldByField() {
        given().contentType(ContentType.JSON)
                .body(Map.of("email", 123, "password", List.of(), "first_name", Map.of(), "last_name", true))
                .when().post("/api/users/register/").then().statusCode(400)
                .body("code", equalTo("validation_error"))
                .body("errors", hasKey("email")).body("errors", hasKey("password"))
                .body("errors", hasKey("first_name")).body("errors", hasKey("last_name"));
        Api.User ada = Api.newUser("Ada");
        ada.api().contentType(ContentType.JSON).body(Map.of("participant_ids", "1,2", "name", 5))
                .when().post("/api/chat/conversations/").then().statusCode(400)
                .body("code", equalTo("validation_error"))
                .body("errors", hasKey("participant_ids")).body("errors", hasKey("name"));
    }
}
