package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.util.Duration;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/** Core's own small test helpers; appender-core cannot use src-test-fixtures (that would be a reactor cycle). */
final class CoreTestSupport {

    private CoreTestSupport() {}

    static LoggerContext newContext(String name) {
        LoggerContext context = new LoggerContext();
        context.setName(name);
        // The same MDC adapter as org.slf4j.MDC, as the SLF4J binding would set it.
        context.setMDCAdapter(MDC.getMDCAdapter());
        context.start();
        return context;
    }

    static void configure(LoggerContext context, String xml) throws JoranException {
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    /** Statuses of the given level whose message matches the regex (found anywhere in the message). */
    static List<Status> statuses(LoggerContext context, int level, String regex) {
        Pattern pattern = Pattern.compile(regex, Pattern.DOTALL);
        return context.getStatusManager().getCopyOfStatusList().stream()
                .filter(status -> status.getLevel() == level)
                .filter(status -> pattern.matcher(status.getMessage()).find())
                .toList();
    }

    /** A started {@link TestSinkAppender} on the root logger, with fast retries, after {@code settings}. */
    static TestSinkAppender attach(
            LoggerContext context, String name, BatchSink<ILoggingEvent> sink, Consumer<TestSinkAppender> settings) {
        TestSinkAppender appender = new TestSinkAppender(sink);
        appender.setContext(context);
        appender.setName(name);
        appender.setRetryInitialDelay(Duration.buildByMilliseconds(1));
        appender.setRetryMaxDelay(Duration.buildByMilliseconds(5));
        settings.accept(appender);
        appender.start();
        assertThat(appender.isStarted())
                .as("appender started: %s", context.getStatusManager().getCopyOfStatusList())
                .isTrue();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        return appender;
    }

    /** A started {@link SluiceAsyncAppender} named "async" over {@code child} (started here), on the root logger. */
    static SluiceAsyncAppender asyncOver(
            LoggerContext context, Appender<ILoggingEvent> child, Consumer<SluiceAsyncAppender> settings) {
        child.setContext(context);
        child.setName("child");
        child.start();
        SluiceAsyncAppender async = new SluiceAsyncAppender();
        async.setContext(context);
        async.setName("async");
        async.addAppender(child);
        settings.accept(async);
        async.start();
        assertThat(async.isStarted())
                .as("async appender started: %s", context.getStatusManager().getCopyOfStatusList())
                .isTrue();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(async);
        return async;
    }

    static void assertNoErrors(LoggerContext context) {
        assertThat(context.getStatusManager().getCopyOfStatusList())
                .filteredOn(status -> status.getLevel() == Status.ERROR)
                .isEmpty();
    }
}
