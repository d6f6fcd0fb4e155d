package dev.sluice.samples;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import ch.qos.logback.core.util.StatusPrinter2;
import java.net.URL;

/** Configures a demo's logger context from one of the samples' {@code logback-*.xml} files. */
final class DemoConfig {

    private DemoConfig() {}

    /**
     * Resets the context and applies the resource; prints the statuses and fails if it reports an error. A context an
     * earlier run stopped is started again, or its {@code stop()} would do nothing and leave the appenders running.
     */
    static void configure(LoggerContext context, String resource) throws JoranException {
        context.reset();
        if (!context.isStarted()) {
            context.start();
        }
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        URL config = DemoConfig.class.getResource(resource);
        if (config == null) {
            throw new IllegalStateException(resource + " is not on the classpath");
        }
        configurator.doConfigure(config);
        if (new StatusUtil(context).getHighestLevel(0) >= Status.ERROR) {
            new StatusPrinter2().print(context);
            throw new IllegalStateException(resource + " has errors; see the statuses above");
        }
    }
}
