package dev.sluice.queue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The worker's first frame: who it is. {@code pid}, {@code start} (the JVM's start, epoch milliseconds) and
 * {@code name} identify the worker across reconnects, so that the server drops the events it already dispatched;
 * {@code token} proves, over TCP, that the worker may read the user's token file.
 *
 * <pre>{"v":1,"pid":1234,"name":"worker-3","host":"build-7","start":1732200000123,"token":"..."}</pre>
 */
record Hello(long pid, String name, String host, long start, String token) {

    /** The protocol version a hello carries. */
    static final int VERSION = 1;

    /** The most bytes a hello may have. */
    static final int MAX_BYTES = 4096;

    /** The most characters of {@code name}, {@code host} and {@code token}. */
    static final int MAX_TEXT = 256;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(2) // the object, and one level of fields a newer worker may add
                    .maxStringLength(MAX_TEXT)
                    .maxDocumentLength(MAX_BYTES)
                    .build())
            .build();

    /** The identity that de-duplicates resent events. */
    WorkerIdentity identity() {
        return new WorkerIdentity(pid, start, name);
    }

    byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("v", VERSION);
            json.writeNumberField("pid", pid);
            json.writeStringField("name", name);
            json.writeStringField("host", host);
            json.writeNumberField("start", start);
            if (token != null) {
                json.writeStringField("token", token);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    /** Parses a hello; anything but a version 1 object with the required fields is a protocol error. */
    static Hello parse(byte[] body) throws RelayProtocolException {
        if (body.length > MAX_BYTES) {
            throw new RelayProtocolException("a hello of " + body.length + " bytes; the limit is " + MAX_BYTES);
        }
        long version = -1;
        long pid = -1;
        long start = -1;
        String name = null;
        String host = "";
        String token = null;
        try (JsonParser json = JSON.createParser(body)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new RelayProtocolException("a hello that is not a JSON object");
            }
            for (JsonToken next = json.nextToken(); next != JsonToken.END_OBJECT; next = json.nextToken()) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                switch (field) {
                    case "v" -> version = number(json, value, field);
                    case "pid" -> pid = number(json, value, field);
                    case "start" -> start = number(json, value, field);
                    case "name" -> name = text(json, value, field);
                    case "host" -> host = text(json, value, field);
                    case "token" -> token = text(json, value, field);
                    default -> json.skipChildren();
                }
            }
            if (json.nextToken() != null) {
                throw new RelayProtocolException("a hello with data after its object");
            }
        } catch (RelayProtocolException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new RelayProtocolException("a malformed hello: " + e.getMessage());
        }
        if (version != VERSION) {
            throw new RelayProtocolException(
                    "a hello of protocol version " + version + "; this server speaks " + VERSION);
        }
        if (pid < 0 || start < 0 || name == null) {
            throw new RelayProtocolException("a hello without pid, start or name");
        }
        return new Hello(pid, name, host, start, token);
    }

    private static long number(JsonParser json, JsonToken value, String field) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw new RelayProtocolException("a hello whose " + field + " is not an integer");
        }
        return json.getLongValue();
    }

    private static String text(JsonParser json, JsonToken value, String field) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw new RelayProtocolException("a hello whose " + field + " is not a string");
        }
        return json.getText();
    }

    /** The token is a secret: never shown. */
    @Override
    public String toString() {
        return "worker '" + name + "' (pid " + pid + " on " + host + ", started " + start + ")";
    }
}
