package dev.sluice.amqp.consumer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Lists the log queues of every service through the RabbitMQ management HTTP API ({@code GET /api/queues/<vhost>}):
 * AMQP 0-9-1 itself cannot list queues. A queue counts when its name matches the queue name pattern with any service
 * and one of the levels, such as {@code orders_warn_logs}.
 */
final class ManagementApiQueues {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final JsonFactory JSON = new JsonFactory();

    private ManagementApiQueues() {}

    static List<String> list(URI api, String virtualHost, String user, String password, Pattern logQueue)
            throws IOException, InterruptedException {
        String base = api.toString().endsWith("/") ? api.toString() : api + "/";
        URI uri = URI.create(
                base + "api/queues/" + URLEncoder.encode(virtualHost, StandardCharsets.UTF_8) + "?columns=name");
        String credentials =
                Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(TIMEOUT)
                .header("Authorization", "Basic " + credentials)
                .GET()
                .build();
        HttpResponse<byte[]> response = HttpClient.newBuilder()
                .connectTimeout(TIMEOUT)
                .build()
                .send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("the management API at " + uri + " answered HTTP " + response.statusCode());
        }
        List<String> queues = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(response.body())) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("the management API at " + uri + " did not answer with a list of queues");
            }
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if (field.equals("name") && value == JsonToken.VALUE_STRING) {
                        String name = parser.getText();
                        if (logQueue.matcher(name).matches()) {
                            queues.add(name);
                        }
                    }
                    parser.skipChildren();
                }
            }
        }
        return queues;
    }

    /** The names the pattern makes for any service and one of the levels. */
    static Pattern logQueuePattern(String queueNamePattern, List<String> levels) {
        String levelGroup =
                "(?:" + String.join("|", levels.stream().map(Pattern::quote).toList()) + ")";
        StringBuilder regex = new StringBuilder();
        String rest = queueNamePattern;
        while (!rest.isEmpty()) {
            if (rest.startsWith("{service}")) {
                regex.append(".+");
                rest = rest.substring("{service}".length());
            } else if (rest.startsWith("{level}")) {
                regex.append(levelGroup);
                rest = rest.substring("{level}".length());
            } else {
                int next = nextPlaceholder(rest);
                regex.append(Pattern.quote(rest.substring(0, next)));
                rest = rest.substring(next);
            }
        }
        return Pattern.compile(regex.toString());
    }

    private static int nextPlaceholder(String text) {
        int service = text.indexOf("{service}", 1);
        int level = text.indexOf("{level}", 1);
        int next = text.length();
        if (service > 0) {
            next = Math.min(next, service);
        }
        if (level > 0) {
            next = Math.min(next, level);
        }
        return next;
    }
}
