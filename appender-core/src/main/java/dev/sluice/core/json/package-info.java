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
