package dev.sluice.core;

import dev.sluice.core.json.EventJsonSettings;
import dev.sluice.core.json.ProducerIdentity;
import java.util.List;

/**
 * The base of appenders that write the canonical event JSON or its parts: it adds the producer identity
 * ({@code service}, {@code host}, with {@link ProducerIdentity}'s defaults) and {@code maxStringLength}, checks them
 * in {@code start()}, and hands the resulting {@link EventJsonSettings} to the subclass's sink.
 */
public abstract class JsonEventAppenderBase extends AsyncBatchAppenderBase {

    private String service;
    private String host;
    private int maxStringLength = EventJsonSettings.DEFAULT_MAX_STRING_LENGTH;
    private EventJsonSettings jsonSettings;

    @Override
    protected final void validateSettings(List<String> errors) {
        EventJsonSettings.Builder json = EventJsonSettings.builder()
                .service(service != null ? service : ProducerIdentity.defaultService(getContext()))
                .host(host != null ? host : ProducerIdentity.defaultHost(getContext(), this))
                .maxStringLength(maxStringLength);
        List<String> problems = json.problems();
        problems.forEach(problem -> errors.add(problem + "."));
        jsonSettings = problems.isEmpty() ? json.build() : null;
        validateSinkSettings(errors);
    }

    /**
     * Adds one message per invalid setting of the subclass; {@code start()} reports them and refuses to start.
     * {@link #jsonSettings()} is already checked here, and null if it has problems.
     */
    protected void validateSinkSettings(List<String> errors) {}

    /** The JSON settings checked by {@code start()}; for {@link #createSink()}, which runs after the checks pass. */
    protected EventJsonSettings jsonSettings() {
        return jsonSettings;
    }

    /** The producer's service. Default: the context property {@code service}, else the context name. */
    public void setService(String service) {
        this.service = service;
    }

    public String getService() {
        return service;
    }

    /** The producer's host. Default: the context property {@code HOSTNAME}, else the local host name. */
    public void setHost(String host) {
        this.host = host;
    }

    public String getHost() {
        return host;
    }

    /** Longest string written, in chars; longer ones are cut with a {@code …[truncated N chars]} marker. */
    public void setMaxStringLength(int maxStringLength) {
        this.maxStringLength = maxStringLength;
    }

    public int getMaxStringLength() {
        return maxStringLength;
    }
}
