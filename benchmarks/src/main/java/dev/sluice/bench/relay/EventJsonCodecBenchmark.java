package dev.sluice.bench.relay;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.sluice.core.json.EventJsonDecoder;
import dev.sluice.core.json.EventJsonEncoder;
import dev.sluice.core.json.EventJsonSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The relay's per-event CPU on each side: encoding the relay benchmark's event in a worker, decoding it in the
 * central process. Run: {@code java -jar benchmarks/target/benchmarks.jar EventJsonCodecBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class EventJsonCodecBenchmark {

    private final EventJsonEncoder encoder = new EventJsonEncoder(
            EventJsonSettings.builder().service("bench").host("vm").pid(1234).build());
    private final EventJsonDecoder decoder = new EventJsonDecoder();
    private LoggingEvent event;
    private byte[] json;

    @Setup
    public void setUp() {
        LoggerContext context = new LoggerContext();
        event = new LoggingEvent(
                "bench",
                context.getLogger("com.example.shop.OrderService"),
                Level.INFO,
                "Order {} shipped to warehouse {} after the stock check and the carrier booking",
                null,
                new Object[] {"ord-1000042", "wh-7"});
        Map<String, String> mdc = new HashMap<>();
        mdc.put("requestId", "req-5eed0000002a");
        mdc.put("user", "user-42");
        event.setMDCPropertyMap(mdc);
        event.setThreadName("main");
        event.getFormattedMessage();
        json = encoder.encode(event);
    }

    @Benchmark
    public byte[] encode() {
        return encoder.encode(event);
    }

    @Benchmark
    public Object decode() {
        return decoder.decode(json);
    }
}
