package dev.sluice.core;

import static dev.sluice.core.CoreTestSupport.newContext;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SluiceMetricsTest {

    private final LoggerContext context = newContext("metrics");
    private final Logger logger = context.getLogger("metrics");
    private final ListAppender<ILoggingEvent> list = new ListAppender<>();

    SluiceMetricsTest() {
        list.setContext(context);
        list.start();
        logger.addAppender(list);
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void recordsAnInfoEventWithTheMarkerNameValueUnitAndTags() {
        SluiceMetrics.record(logger, "http.latency", 12.5, "ms", Map.of("route", "/orders"));
        ILoggingEvent event = list.list.get(0);
        assertThat(event.getLevel()).isEqualTo(Level.INFO);
        assertThat(event.getMarkerList()).containsExactly(SluiceMetrics.MARKER);
        assertThat(event.getFormattedMessage()).isEqualTo("metric http.latency=12.5 ms");
        assertThat(event.getKeyValuePairs())
                .extracting(pair -> pair.key + "=" + pair.value)
                .containsExactly("name=http.latency", "value=12.5", "unit=ms", "route=/orders");
    }

    @Test
    void aNullUnitIsAllowedAndAnInfoDisabledLoggerRecordsNothing() {
        SluiceMetrics.record(logger, "count", 3, null);
        assertThat(list.list.get(0).getFormattedMessage()).isEqualTo("metric count=3.0");
        logger.setLevel(Level.WARN);
        SluiceMetrics.record(logger, "count", 4, null);
        assertThat(list.list).hasSize(1);
    }
}
