package dev.sluice.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.status.Status;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LogbackTestContextTest {

    private static final String LIST_APPENDER_XML = """
            <configuration>
              <appender name="LIST" class="ch.qos.logback.core.read.ListAppender"/>
              <root level="${rootLevel:-INFO}">
                <appender-ref ref="LIST"/>
              </root>
            </configuration>
            """;

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    @Test
    void givesEachTestAFreshContextNamedAfterIt() {
        LoggerContext context = logback.context();

        assertThat(context.getName()).isEqualTo("givesEachTestAFreshContextNamedAfterIt");
        assertThat(context.isStarted()).isTrue();
        assertThat(context).isSameAs(logback.context());
    }

    @Test
    void configuresFromXml() {
        LoggerContext context = logback.configure(LIST_APPENDER_XML);
        logback.logger("app").info("hello {}", "world");
        logback.logger("app").debug("not at INFO");

        ListAppender<ILoggingEvent> list = listAppender(context);
        assertThat(list.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("hello world");
        StatusAssertions.assertNoErrors(context);
    }

    @Test
    void slf4jMdcReachesTheContextsEvents() {
        LoggerContext context = logback.configure(LIST_APPENDER_XML);
        org.slf4j.MDC.put("job", "j-1");
        try {
            logback.logger("app").info("with MDC");
            // A ListAppender leaves the MDC to be read on first use: read it while it is set.
            ILoggingEvent event = listAppender(context).list.get(0);
            assertThat(event.getMDCPropertyMap()).containsEntry("job", "j-1");
        } finally {
            org.slf4j.MDC.remove("job");
        }
    }

    @Test
    void substitutesProperties() {
        logback.property("rootLevel", "DEBUG").configure(LIST_APPENDER_XML);
        logback.logger(LogbackTestContextTest.class).debug("now visible");

        assertThat(listAppender(logback.context()).list).hasSize(1);
    }

    @Test
    void failsListingTheStatusesWhenConfigurationReportsAnError() {
        String broken = """
                <configuration>
                  <appender name="X" class="dev.sluice.NoSuchAppender"/>
                  <root level="INFO"><appender-ref ref="X"/></root>
                </configuration>
                """;

        assertThatThrownBy(() -> logback.configure(broken))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("logback configuration reported errors")
                .hasMessageContaining("ERROR")
                .hasMessageContaining("dev.sluice.NoSuchAppender");
    }

    @Test
    void failsOnXmlThatDoesNotParse() {
        assertThatThrownBy(() -> logback.configure("<configuration>")).isInstanceOf(AssertionError.class);
    }

    @Test
    void returnsTheStatusesWhenErrorsAreExpected() {
        List<Status> statuses =
                logback.configureAllowingErrors("<configuration><appender name=\"X\" class=\"no.Such\"/>"
                        + "<root><appender-ref ref=\"X\"/></root></configuration>");

        assertThat(statuses).anyMatch(s -> s.getLevel() == Status.ERROR);
    }

    @Test
    void closeStopsTheContextAndTheNextUseGetsANewOne() {
        LoggerContext first = logback.configure(LIST_APPENDER_XML);
        ListAppender<ILoggingEvent> list = listAppender(first);

        logback.close();

        assertThat(first.isStarted()).isFalse();
        assertThat(list.isStarted()).isFalse();
        assertThat(logback.context()).isNotSameAs(first);
    }

    @Test
    void worksOutsideJUnitWithTryWithResources() {
        LoggerContext context;
        try (LogbackTestContext standalone = new LogbackTestContext("standalone")) {
            context = standalone.context();
            assertThat(context.getName()).isEqualTo("standalone");
        }
        assertThat(context.isStarted()).isFalse();
    }

    @SuppressWarnings("unchecked")
    private static ListAppender<ILoggingEvent> listAppender(LoggerContext context) {
        return (ListAppender<ILoggingEvent>)
                context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("LIST");
    }
}
