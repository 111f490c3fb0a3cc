package org.chatsuite.chat.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import jakarta.inject.Inject;

import org.chatsuite.web.Timestamps;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Response;

/**
 * The append script writes a message's JSON itself (dates and string escapes in Lua), and that text
 * goes to clients as it is; history writes the same message with Jackson. The script's helpers run
 * here alone, on Redis, for values the test chooses (the script's own time is Redis's clock), and
 * must give exactly Java's text.
 */
@QuarkusTest
class AppendScriptTest {

    @Inject
    RedisDataSource redis;

    @Inject
    ObjectMapper json;

    /** The helpers of the script, followed by {@code body}, which maps ARGV to results. */
    private List<String> runHelpers(String body, List<String> args) throws IOException {
        String script;
        try (InputStream in = AppendScriptTest.class.getResourceAsStream("/redis/append-message.lua")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String helpers = script.substring(0, script.indexOf("-- (end of the helpers"));
        List<String> command = new ArrayList<>();
        command.add(helpers + body);
        command.add("0");
        command.addAll(args);
        Response results = redis.execute("EVAL", command.toArray(String[]::new));
        List<String> out = new ArrayList<>();
        results.forEach(r -> out.add(r.toString()));
        return out;
    }

    @Test
    void datesAreJavasIsoTimestamps() throws IOException {
        List<Long> millis = new ArrayList<>(List.of(0L, 999L, 1_000L, 86_399_999L, 86_400_000L,
                951_782_400_000L, // 2000-02-29, a leap day of a century divisible by 400
                951_868_799_999L, 946_684_799_999L, 1_709_164_800_123L, // 2024-02-29
                1_767_225_599_999L, 1_767_225_600_000L, 4_107_542_400_000L, // 2100-03-01, after a century's missing leap day
                4_102_444_799_999L, 253_402_300_799_999L)); // 9999-12-31T23:59:59.999Z
        Random random = new Random(14);
        for (int i = 0; i < 2_000; i++) {
            millis.add((long) (random.nextDouble() * 253_402_300_799_999L));
        }
        List<String> lua = runHelpers("local out = {} for i = 1, #ARGV do out[i] = iso_utc(tonumber(ARGV[i])) end return out",
                millis.stream().map(String::valueOf).toList());
        assertThat(lua).containsExactlyElementsOf(millis.stream().map(ms -> Timestamps.iso(Instant.ofEpochMilli(ms))).toList());
    }

    @Test
    void stringsAreEscapedAsJacksonEscapesThem() throws IOException {
        List<String> strings = new ArrayList<>(List.of("", "plain", "quote \" backslash \\ slash / </script>",
                "tab\tnew line\ncarriage return\r\nform feed\fbackspace\b", "\u0000\u0001\u001f\u007f",
                "é 中 \u2028\u2029 \ud83d\udc4b <b>&amp;</b> 'single'"));
        StringBuilder everyControl = new StringBuilder();
        for (char c = 0; c < 0x80; c++) {
            everyControl.append(c);
        }
        strings.add(everyControl.toString());
        List<String> lua = runHelpers("local out = {} for i = 1, #ARGV do out[i] = json_string(ARGV[i]) end return out", strings);
        List<String> jackson = new ArrayList<>();
        for (String s : strings) {
            StringWriter text = new StringWriter();
            try (JsonGenerator out = json.getFactory().createGenerator(text)) {
                out.writeString(s);
            }
            jackson.add(text.toString());
        }
        assertThat(lua).containsExactlyElementsOf(jackson);
    }
}
