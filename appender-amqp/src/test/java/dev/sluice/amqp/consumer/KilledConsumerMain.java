package dev.sluice.amqp.consumer;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.sluice.core.BatchSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The consumer of {@link ConsumerKillIT}, in its own JVM: it stores {@code batches} batches to a file (one line per
 * event, forced to disk before the write returns), then holds the next batch forever, saying so on stdout, until the
 * test kills it. Arguments: uri, service, failure queue, file, batches.
 */
public final class KilledConsumerMain {

    private KilledConsumerMain() {}

    public static void main(String[] args) throws Exception {
        FileSink sink = new FileSink(Path.of(args[3]), Integer.parseInt(args[4]));
        AmqpLogConsumer consumer = AmqpLogConsumer.builder()
                .uri(args[0])
                .services(args[1])
                .failureQueue(args[2])
                .workers(1)
                .prefetch(50)
                .batchSize(50)
                .maxBatchDelay(Duration.ofSeconds(1))
                .sink(sink)
                .build();
        consumer.start();
        System.out.println("STARTED");
        new CountDownLatch(1).await(); // until killed
    }

    /** Appends each event's message as a line and forces it to disk; then holds the batch after the last allowed. */
    static final class FileSink implements BatchSink<ILoggingEvent> {
        private final FileChannel file;
        private final int batches;
        private int written;

        FileSink(Path path, int batches) throws IOException {
            this.file = FileChannel.open(
                    path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            this.batches = batches;
        }

        @Override
        public void write(List<ILoggingEvent> batch) throws Exception {
            if (written == batches) {
                System.out.println("HELD " + batch.size());
                new CountDownLatch(1).await(); // a stuck database: the batch is never committed
            }
            StringBuilder lines = new StringBuilder();
            batch.forEach(e -> lines.append(e.getFormattedMessage()).append('\n'));
            file.write(ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8)));
            file.force(true);
            written++;
            System.out.println("STORED " + batch.size());
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}
