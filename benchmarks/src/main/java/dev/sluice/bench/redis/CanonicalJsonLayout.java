package dev.sluice.bench.redis;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.LayoutBase;
import dev.sluice.core.json.EventJsonEncoder;
import dev.sluice.core.json.EventJsonSettings;
import dev.sluice.core.json.ProducerIdentity;
import java.nio.charset.StandardCharsets;

/**
 * Sluice's canonical event JSON as a Logback {@code Layout}, with the defaults the {@code RedisAppender} and the
 * {@code AmqpAppender} use ({@code service} from the context, {@code host} from the machine): it gives the peer
 * appenders, which take a {@code Layout}, and {@code redis-benchmark} the payload Sluice sends, so that every
 * contestant moves the same bytes.
 */
public final class CanonicalJsonLayout extends LayoutBase<ILoggingEvent> {

    private EventJsonEncoder encoder;

    /** A started layout in the context, whose name is the payload's {@code service}. */
    public static CanonicalJsonLayout started(Context context) {
        CanonicalJsonLayout layout = new CanonicalJsonLayout();
        layout.setContext(context);
        layout.start();
        return layout;
    }

    @Override
    public void start() {
        encoder = new EventJsonEncoder(EventJsonSettings.builder()
                .service(ProducerIdentity.defaultService(getContext()))
                .host(ProducerIdentity.defaultHost(getContext(), this))
                .build());
        super.start();
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }
}
