package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

    static void assertNoErrors(LoggerContext context) {
        assertThat(context.getStatusManager().getCopyOfStatusList())
                .filteredOn(status -> status.getLevel() == Status.ERROR)
                .isEmpty();
    }
}
