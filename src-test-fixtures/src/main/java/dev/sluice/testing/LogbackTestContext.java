package dev.sluice.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.ErrorStatus;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusListener;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh, private Logback {@link LoggerContext} for each test, stopped (with every appender in it) after the test.
 * Tests never touch the JVM-wide context that SLF4J's {@code LoggerFactory} returns.
 *
 * <p>As a JUnit 5 extension:
 *
 * <pre>{@code
 * @RegisterExtension
 * final LogbackTestContext logback = new LogbackTestContext();
 *
 * @Test
 * void configures() {
 *     logback.configure("<configuration>...</configuration>");
 *     logback.logger("app").info("hello");
 * }
 * }</pre>
 *
 * <p>Or on its own, in try-with-resources. The context is created on first use, named after the test when the
 * extension knows it.
 */
public final class LogbackTestContext implements BeforeEachCallback, AfterEachCallback, AutoCloseable {

    private final String baseName;
    private String name;
    private LoggerContext context;

    /** A context named after the test that uses it, or {@code "sluice-test"} outside JUnit. */
    public LogbackTestContext() {
        this("sluice-test");
    }

    /** A context with the given name. */
    public LogbackTestContext(String name) {
        this.baseName = name;
        this.name = name;
    }

    @Override
    public void beforeEach(ExtensionContext extension) {
        close();
        name = extension.getTestMethod().map(m -> m.getName()).orElse(baseName);
    }

    @Override
    public void afterEach(ExtensionContext extension) {
        close();
    }

    /** The context of the current test, created and started on first call. */
    public synchronized LoggerContext context() {
        if (context == null) {
            context = new LoggerContext();
            context.setName(name);
            // SLF4J's own MDC adapter, so that org.slf4j.MDC.put in a test reaches this context's events.
            context.setMDCAdapter(org.slf4j.MDC.getMDCAdapter());
            context.start();
        }
        return context;
    }

    /** A logger of the current context. */
    public Logger logger(String loggerName) {
        return context().getLogger(loggerName);
    }

    /** A logger of the current context, named after the class. */
    public Logger logger(Class<?> type) {
        return context().getLogger(type);
    }

    /** Sets a context property, for {@code ${name}} substitution in a later {@link #configure(String)}. */
    public LogbackTestContext property(String key, String value) {
        context().putProperty(key, value);
        return this;
    }

    /**
     * Configures the context from a {@code logback.xml} document through {@link JoranConfigurator}, as Logback does
     * at startup. Throws an {@link AssertionError} listing the statuses if the configuration reported any error, so
     * a broken test configuration cannot pass unnoticed. Tests that expect errors use
     * {@link #configureAllowingErrors(String)}.
     *
     * @return the context
     */
    public LoggerContext configure(String logbackXml) {
        List<Status> produced = configureAllowingErrors(logbackXml);
        if (produced.stream().anyMatch(s -> s.getEffectiveLevel() >= Status.ERROR)) {
            throw new AssertionError("logback configuration reported errors\n" + StatusAssertions.describe(produced)
                    + "\nxml:\n" + logbackXml);
        }
        return context();
    }

    /**
     * Configures the context from a {@code logback.xml} document and returns the statuses the configuration
     * produced, errors included.
     */
    public List<Status> configureAllowingErrors(String logbackXml) {
        LoggerContext ctx = context();
        // A listener sees every status of this configuration run; the status manager's own list is capped.
        List<Status> produced = new ArrayList<>();
        StatusListener collector = status -> {
            synchronized (produced) {
                produced.add(status);
            }
        };
        ctx.getStatusManager().add(collector);
        try {
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(ctx);
            configurator.doConfigure(new ByteArrayInputStream(logbackXml.getBytes(StandardCharsets.UTF_8)));
        } catch (JoranException e) {
            // Joran has already reported the cause as an ERROR status, which the caller sees below.
            ctx.getStatusManager().add(new ErrorStatus("configuration failed", this, e));
        } finally {
            ctx.getStatusManager().remove(collector);
        }
        synchronized (produced) {
            return List.copyOf(produced);
        }
    }

    /** Stops the context and every appender in it; the next {@link #context()} call starts a new one. */
    @Override
    public synchronized void close() {
        if (context != null) {
            context.stop();
            context = null;
        }
    }
}
