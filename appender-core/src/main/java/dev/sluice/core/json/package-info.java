/**
 * The canonical event JSON of Sluice, schema version 1: one JSON object per log event, used on every wire (AMQP
 * bodies, Redis payloads, relay frames) unless the user configures another encoder.
 *
 * <ul>
 *   <li>{@link dev.sluice.core.json.EventJsonEncoder} writes an {@code ILoggingEvent}; its settings are
 *       {@link dev.sluice.core.json.EventJsonSettings}.
 *   <li>{@link dev.sluice.core.json.EventJsonDecoder} reads untrusted bytes back into an immutable
 *       {@link dev.sluice.core.json.DecodedLoggingEvent}, within {@link dev.sluice.core.json.JsonLimits}, and rejects
 *       anything else with an {@link dev.sluice.core.json.EventDecodingException}.
 *   <li>{@link dev.sluice.core.json.SluiceJsonEncoder} is the Logback {@code <encoder>} that writes the same JSON as
 *       NDJSON on any appender.
 * </ul>
 *
 * <p>What the encoder writes always fits a decoder with the default {@link dev.sluice.core.json.JsonLimits} as far as
 * counts and string lengths go (settings in {@link dev.sluice.core.json.EventJsonSettings}, each bounded accordingly):
 *
 * <ul>
 *   <li>the message, MDC values, {@code kv} string values and throwable messages are cut to {@code maxStringLength}
 *       characters (default 4193280), ending with a marker such as {@code …[truncated 1234567 chars]} that counts
 *       the characters left out, the marker included in the length; a surrogate pair is never split;
 *   <li>a {@code throwable} is cut to {@code maxThrowableDepth} (default 16, the last throwable written marked
 *       {@code truncated}), {@code maxFrames} per throwable (default 256) and {@code maxTotalFrames} in the whole tree
 *       (default 2048), frames left out being counted in {@code omittedFrames}, and {@code maxSuppressed} suppressed
 *       throwables per throwable (default 32), the rest counted in {@code omittedSuppressed};
 *   <li>an event at level {@code OFF} or {@code ALL}, without a level or without a logger name is refused with an
 *       {@code IllegalArgumentException}; {@code kv} and {@code markers} holding only {@code null}s are left out.
 * </ul>
 *
 * <p>Re-encoding a {@link dev.sluice.core.json.DecodedLoggingEvent} (forwarding) keeps the producer's {@code service},
 * {@code host} and {@code pid}, and a decoded throwable's {@code omittedFrames}, {@code omittedSuppressed} and
 * {@code truncated}. The decoder keeps a {@code kv} number too costly to use (an exponent beyond 100,000 either way,
 * or more than 1000 characters) as its text.
 *
 * <p>The format is described by the JSON Schema (draft 2020-12) resource
 * {@code dev/sluice/core/json/sluice-event-v1.schema.json} in this jar. Example:
 *
 * <pre>{@code
 * {"v":1,"ts":"2026-11-21T18:35:56.123Z","level":"ERROR","logger":"com.example.Billing","thread":"main",
 *  "message":"payment failed","mdc":{"requestId":"r-1"},"kv":{"orderId":17},"markers":["AUDIT"],
 *  "throwable":{"class":"java.io.IOException","message":"reset","frames":[{"class":"com.example.Billing",
 *  "method":"pay","file":"Billing.java","line":12}],"omittedFrames":40},
 *  "service":"billing","host":"box-1","pid":4242,"seq":17}
 * }</pre>
 */
package dev.sluice.core.json;
