package dev.sluice.core;

import ch.qos.logback.core.spi.ContextAware;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** Registers an appender's stats as {@code dev.sluice:type=Appender,name=<name>} on the platform MBean server. */
final class JmxRegistration {

    static final String DOMAIN = "dev.sluice";

    private JmxRegistration() {}

    /** The object name for an appender; the name is quoted when it holds characters JMX reserves. */
    static ObjectName objectName(String appenderName) throws JMException {
        boolean plain = appenderName.chars().noneMatch(c -> ",=:\"*?\\\n".indexOf(c) >= 0);
        String value = plain ? appenderName : ObjectName.quote(appenderName);
        return new ObjectName(DOMAIN + ":type=Appender,name=" + value);
    }

    /** Registers the stats; a failure is reported as a warning and never stops the appender. */
    static ObjectName register(AppenderStatsMXBean stats, String appenderName, ContextAware status) {
        try {
            ObjectName name = objectName(appenderName);
            server().registerMBean(stats, name);
            return name;
        } catch (JMException | RuntimeException e) {
            status.addWarn(
                    "Appender [" + appenderName + "] could not register its JMX stats; the getters still work.", e);
            return null;
        }
    }

    static void unregister(ObjectName name, ContextAware status) {
        if (name == null) {
            return;
        }
        try {
            server().unregisterMBean(name);
        } catch (JMException | RuntimeException e) {
            status.addWarn("Could not unregister JMX stats " + name + ".", e);
        }
    }

    private static MBeanServer server() {
        return ManagementFactory.getPlatformMBeanServer();
    }
}
