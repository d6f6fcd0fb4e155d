package dev.sluice.core.json;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import java.util.List;

/**
 * A Logback {@code <encoder>} that writes each event as one line of canonical event JSON (NDJSON): the object that
 * {@link EventJsonEncoder} produces, followed by {@code '\n'}. It fits any appender that takes an encoder.
 *
 * <pre>{@code
 * <appender name="FILE" class="ch.qos.logback.core.FileAppender">
 *   <file>app.ndjson</file>
 *   <encoder class="dev.sluice.core.json.SluiceJsonEncoder">
 *     <service>billing</service>
 *     <maxFrames>64</maxFrames>
 *   </encoder>
 * </appender>
 * }</pre>
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><th>property</th><th>default</th></tr>
 *   <tr><td>{@code service}</td><td>the context property {@code service}, else the context name</td></tr>
 *   <tr><td>{@code host}</td><td>the context property {@code HOSTNAME}, else the local host name, else omitted</td></tr>
 *   <tr><td>{@code maxThrowableDepth}</td><td>{@value EventJsonSettings#DEFAULT_MAX_THROWABLE_DEPTH}</td></tr>
 *   <tr><td>{@code maxFrames}</td><td>{@value EventJsonSettings#DEFAULT_MAX_FRAMES}</td></tr>
 *   <tr><td>{@code maxTotalFrames}</td><td>{@value EventJsonSettings#DEFAULT_MAX_TOTAL_FRAMES}</td></tr>
 *   <tr><td>{@code maxSuppressed}</td><td>{@value EventJsonSettings#DEFAULT_MAX_SUPPRESSED}</td></tr>
 *   <tr><td>{@code maxStringLength}</td><td>{@value EventJsonSettings#DEFAULT_MAX_STRING_LENGTH}</td></tr>
 * </table>
 *
 * <p>{@link #start()} reports each invalid setting as an error status and leaves the encoder stopped; it never throws.
 */
public class SluiceJsonEncoder extends EncoderBase<ILoggingEvent> {

    /** Context property read for the default {@code service}: {@value}. */
    public static final String SERVICE_PROPERTY = ProducerIdentity.SERVICE_PROPERTY;

    private String service;
    private String host;
    private int maxThrowableDepth = EventJsonSettings.DEFAULT_MAX_THROWABLE_DEPTH;
    private int maxFrames = EventJsonSettings.DEFAULT_MAX_FRAMES;
    private int maxTotalFrames = EventJsonSettings.DEFAULT_MAX_TOTAL_FRAMES;
    private int maxSuppressed = EventJsonSettings.DEFAULT_MAX_SUPPRESSED;
    private int maxStringLength = EventJsonSettings.DEFAULT_MAX_STRING_LENGTH;

    // Written by start() and read by encode(), possibly on other threads.
    private volatile EventJsonEncoder encoder;

    /** The {@code service} field; see the class comment for the default. */
    public void setService(String service) {
        this.service = service;
    }

    public String getService() {
        return service;
    }

    /** The {@code host} field; see the class comment for the default. */
    public void setHost(String host) {
        this.host = host;
    }

    public String getHost() {
        return host;
    }

    /** See {@link EventJsonSettings.Builder#maxThrowableDepth(int)}. */
    public void setMaxThrowableDepth(int maxThrowableDepth) {
        this.maxThrowableDepth = maxThrowableDepth;
    }

    public int getMaxThrowableDepth() {
        return maxThrowableDepth;
    }

    /** See {@link EventJsonSettings.Builder#maxFrames(int)}. */
    public void setMaxFrames(int maxFrames) {
        this.maxFrames = maxFrames;
    }

    public int getMaxFrames() {
        return maxFrames;
    }

    /** See {@link EventJsonSettings.Builder#maxTotalFrames(int)}. */
    public void setMaxTotalFrames(int maxTotalFrames) {
        this.maxTotalFrames = maxTotalFrames;
    }

    public int getMaxTotalFrames() {
        return maxTotalFrames;
    }

    /** See {@link EventJsonSettings.Builder#maxSuppressed(int)}. */
    public void setMaxSuppressed(int maxSuppressed) {
        this.maxSuppressed = maxSuppressed;
    }

    public int getMaxSuppressed() {
        return maxSuppressed;
    }

    /** See {@link EventJsonSettings.Builder#maxStringLength(int)}. */
    public void setMaxStringLength(int maxStringLength) {
        this.maxStringLength = maxStringLength;
    }

    public int getMaxStringLength() {
        return maxStringLength;
    }

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        EventJsonSettings.Builder settings = EventJsonSettings.builder()
                .service(service != null ? service : ProducerIdentity.defaultService(getContext()))
                .host(host != null ? host : ProducerIdentity.defaultHost(getContext(), this))
                .maxThrowableDepth(maxThrowableDepth)
                .maxFrames(maxFrames)
                .maxTotalFrames(maxTotalFrames)
                .maxSuppressed(maxSuppressed)
                .maxStringLength(maxStringLength);
        List<String> problems = settings.problems();
        if (!problems.isEmpty()) {
            for (String problem : problems) {
                addError("Invalid <encoder> setting: " + problem + ". Not starting.");
            }
            return;
        }
        encoder = new EventJsonEncoder(settings.build());
        super.start();
    }

    /** The settings in use, or {@code null} before a successful {@link #start()}. */
    public EventJsonSettings getSettings() {
        EventJsonEncoder current = encoder;
        return current == null ? null : current.settings();
    }

    @Override
    public byte[] headerBytes() {
        return null;
    }

    /**
     * One NDJSON line.
     *
     * @throws IllegalStateException if the encoder was never started (the appender reports it as a failed append)
     */
    @Override
    public byte[] encode(ILoggingEvent event) {
        EventJsonEncoder current = encoder;
        if (current == null) {
            throw new IllegalStateException("SluiceJsonEncoder is not started; see the earlier error status");
        }
        return current.encodeLine(event);
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }
}
