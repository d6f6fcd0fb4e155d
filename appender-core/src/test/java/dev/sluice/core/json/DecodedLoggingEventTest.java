package dev.sluice.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;
import org.slf4j.helpers.BasicMarkerFactory;

class DecodedLoggingEventTest {

    private final TestEvents events = new TestEvents();
    private final EventJsonEncoder encoder =
            new EventJsonEncoder(EventJsonSettings.builder().service("billing").build());
    private final EventJsonDecoder decoder = new EventJsonDecoder();

    @AfterEach
    void stopContext() {
        events.context.stop();
    }

    private DecodedLoggingEvent roundTrip(ILoggingEvent event) {
        return decoder.decode(encoder.encode(event));
    }

    private LoggingEvent richEvent() {
        RuntimeException cause = new IllegalStateException("inner");
        RuntimeException top = new RuntimeException("outer", cause);
        top.addSuppressed(new IllegalArgumentException("suppressed"));
        Exception a = new Exception("cycle a");
        Exception b = new Exception("cycle b", a);
        a.initCause(b);
        cause.initCause(b);
        LoggingEvent event = events.event(Level.WARN, "paid {}", top, 3);
        event.setMDCPropertyMap(Map.of("requestId", "r-1"));
        event.addKeyValuePair(new KeyValuePair("orderId", 17));
        event.addMarker(new BasicMarkerFactory().getDetachedMarker("AUDIT"));
        event.setCallerData(
                new StackTraceElement[] {new StackTraceElement("com.example.Billing", "pay", "Billing.java", 12)});
        return event;
    }

    @Test
    void exposesTheFormattedMessageAsBothMessages() {
        DecodedLoggingEvent decoded = roundTrip(events.event(Level.INFO, "paid {} of {}", null, 3, 5));

        assertThat(decoded.getMessage()).isEqualTo("paid 3 of 5");
        assertThat(decoded.getFormattedMessage()).isEqualTo("paid 3 of 5");
        assertThat(decoded.getArgumentArray()).isNull();
        assertThat(decoded).hasToString("[INFO] paid 3 of 5");
    }

    @Test
    @SuppressWarnings("deprecation") // getMdc() and getMarker() are part of the contract under test
    void collectionsAreUnmodifiable() {
        DecodedLoggingEvent decoded = roundTrip(richEvent());

        assertThatThrownBy(() -> decoded.getMDCPropertyMap().put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> decoded.getMdc().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> decoded.getKeyValuePairs().add(new KeyValuePair("x", 1)))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> decoded.getMarkerList().clear()).isInstanceOf(UnsupportedOperationException.class);
        decoded.getCallerData()[0] = null;
        assertThat(decoded.getCallerData()[0]).isNotNull();
        assertThat(decoded.getMdc()).isSameAs(decoded.getMDCPropertyMap());
    }

    @Test
    @SuppressWarnings("deprecation") // getMdc() and getMarker() are part of the contract under test
    void absentPartsAreEmptyNotNull() {
        LoggingEvent event = events.event("plain");
        event.setMDCPropertyMap(Map.of());

        DecodedLoggingEvent decoded = roundTrip(event);

        assertThat(decoded.getMDCPropertyMap()).isEmpty();
        assertThat(decoded.getKeyValuePairs()).isEmpty();
        assertThat(decoded.getMarkerList()).isEmpty();
        assertThat(decoded.getMarker()).isNull();
        assertThat(decoded.hasCallerData()).isFalse();
        assertThat(decoded.getCallerData()).isEmpty();
        assertThat(decoded.getThrowableProxy()).isNull();
    }

    @Test
    void namesTheContextAfterTheService() {
        assertThat(roundTrip(events.event("x")).getLoggerContextVO().getName()).isEqualTo("billing");
        DecodedLoggingEvent anonymous = decoder.decode(new EventJsonEncoder().encode(events.event("x")));
        assertThat(anonymous.getLoggerContextVO().getName()).isEqualTo(DecodedLoggingEvent.UNKNOWN_CONTEXT_NAME);
        assertThat(anonymous.getLoggerContextVO().getPropertyMap()).isEmpty();
    }

    @Test
    void deferredProcessingChangesNothing() {
        DecodedLoggingEvent decoded = roundTrip(richEvent());
        Map<String, String> mdc = decoded.getMDCPropertyMap();

        decoded.prepareForDeferredProcessing();

        assertThat(decoded.getMDCPropertyMap()).isSameAs(mdc);
        assertThat(decoded.getFormattedMessage()).isEqualTo("paid 3");
    }

    @Test
    void patternLayoutFormatsADecodedEvent() {
        String formatted = layout("%d %level %logger %thread %msg %mdc %ex").doLayout(roundTrip(richEvent()));

        assertThat(formatted)
                .contains("WARN com.example.Billing worker-1 paid 3 requestId=r-1")
                .contains("java.lang.RuntimeException: outer")
                .contains("Caused by: java.lang.IllegalStateException: inner")
                .contains("Caused by: java.lang.Exception: cycle b")
                .contains("[CIRCULAR REFERENCE: java.lang.Exception: cycle b]")
                .contains("Suppressed: java.lang.IllegalArgumentException: suppressed")
                .contains("\tat dev.sluice.core.json.DecodedLoggingEventTest.richEvent(DecodedLoggingEventTest.java:");
    }

    @Test
    void everyCommonConverterHandlesADecodedEvent() {
        String pattern = "%date{ISO8601} %relative %contextName %property{x} %marker %kvp %caller{1} %class %method"
                + " %file %line %X{requestId} %replace(%msg){'paid', 'owed'} %throwable{short} %rootException"
                + " %xThrowable %nopex %sn %n";

        String formatted = layout(pattern).doLayout(roundTrip(richEvent()));

        assertThat(formatted)
                .contains("AUDIT")
                .contains("orderId=\"17\"")
                .contains("com.example.Billing pay Billing.java 12 r-1 owed 3");
    }

    @Test
    void formatsLikeTheOriginalEvent() {
        // Synthetic frames: the codec does not carry a frame's module, which StackTraceElement.toString() prints.
        Exception boom = TestEvents.withFrames(new IllegalStateException("boom"), 5);
        LoggingEvent event = events.event(Level.ERROR, "failed {}", boom, "order-9");
        event.setMDCPropertyMap(Map.of("requestId", "r-1"));
        PatternLayout layout = layout("%d{ISO8601} [%thread] %-5level %logger{20} %X{requestId} - %msg%n%ex");

        String original = layout.doLayout(event);

        assertThat(layout.doLayout(roundTrip(event))).isEqualTo(original);
        assertThat(original).contains("\tat com.example.Frame4.call4(Frame4.java:5)");
    }

    @Test
    void canBeDispatchedIntoALoggerContext() {
        ListAppender<ILoggingEvent> received = new ListAppender<>();
        received.setContext(events.context);
        received.start();
        Logger root = events.context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(received);
        DecodedLoggingEvent decoded = roundTrip(richEvent());

        events.context.getLogger(decoded.getLoggerName()).callAppenders(decoded);

        assertThat(received.list).containsExactly(decoded);
    }

    private PatternLayout layout(String pattern) {
        PatternLayout layout = new PatternLayout();
        layout.setContext(events.context);
        layout.setPattern(pattern);
        layout.start();
        assertThat(layout.isStarted()).isTrue();
        return layout;
    }
}
