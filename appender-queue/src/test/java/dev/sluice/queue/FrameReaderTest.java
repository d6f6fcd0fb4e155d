package dev.sluice.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Frames written by {@link FrameWriter} read back by {@link FrameReader}; every malformed header is refused. */
class FrameReaderTest {

    private static FrameReader readerOf(byte[] bytes, int maxFrameBytes) {
        return new FrameReader(Channels.newChannel(new java.io.ByteArrayInputStream(bytes)), maxFrameBytes);
    }

    private static byte[] header(int length, int kind) {
        return ByteBuffer.allocate(5).putInt(length).put((byte) kind).array();
    }

    @Test
    void framesRoundTripThroughTheBufferIncludingOnesLargerThanIt() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(Channels.newChannel(out));
        byte[] big = "é".repeat(100_000).getBytes(StandardCharsets.UTF_8); // 200,000 bytes, several buffers
        writer.frame(FrameKind.HELLO, "{\"v\":1}".getBytes(StandardCharsets.UTF_8));
        for (int i = 1; i <= 1000; i++) {
            writer.event(i, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
        }
        writer.event(1001, big);
        writer.ack(Long.MAX_VALUE);
        writer.flush();

        FrameReader reader = readerOf(out.toByteArray(), 1 << 20);
        assertThat(reader.read().text()).isEqualTo("{\"v\":1}");
        for (int i = 1; i <= 1000; i++) {
            Frame frame = reader.read();
            assertThat(frame.kind()).isEqualTo(FrameKind.EVENT);
            assertThat(frame.sequence()).isEqualTo(i);
            assertThat(new String(
                            frame.body(), Frame.eventJsonOffset(), frame.body().length - 8, StandardCharsets.UTF_8))
                    .isEqualTo("{\"n\":" + i + "}");
        }
        Frame large = reader.read();
        assertThat(large.sequence()).isEqualTo(1001);
        assertThat(large.body()).hasSize(8 + big.length);
        Frame ack = reader.read();
        assertThat(ack.kind()).isEqualTo(FrameKind.ACK);
        assertThat(ack.sequence()).isEqualTo(Long.MAX_VALUE);
        assertThat(reader.read()).isNull();
        assertThat(reader.bytesRead()).isEqualTo(out.size());
    }

    @Test
    void aLengthBeyondTheLimitIsRefusedBeforeAnythingIsBuffered() {
        assertThatThrownBy(() -> readerOf(header(Integer.MAX_VALUE, 2), 1 << 20).read())
                .isInstanceOf(RelayProtocolException.class)
                .hasMessage("a frame of 2147483647 bytes; the limit is 1048576");
        assertThatThrownBy(() -> readerOf(header(-1, 2), 1 << 20).read())
                .isInstanceOf(RelayProtocolException.class)
                .hasMessage("a frame of 4294967295 bytes; the limit is 1048576");
        assertThatThrownBy(() -> readerOf(header(0, 2), 1 << 20).read())
                .isInstanceOf(RelayProtocolException.class)
                .hasMessage("a frame of 0 bytes; the limit is 1048576");
    }

    @Test
    void anUnknownKindOrAFrameTooShortForItsSequenceIsRefused() {
        assertThatThrownBy(() -> readerOf(header(1, 9), 1024).read())
                .isInstanceOf(RelayProtocolException.class)
                .hasMessage("a frame of unknown kind 9");
        assertThatThrownBy(() -> readerOf(header(1, 0), 1024).read())
                .isInstanceOf(RelayProtocolException.class)
                .hasMessage("a frame of unknown kind 0");
        assertThatThrownBy(() -> readerOf(header(5, 2), 1024).read())
                .isInstanceOf(RelayProtocolException.class)
                .hasMessage("a EVENT frame of 4 bytes, too short for its sequence number");
    }

    @Test
    void theStreamEndingInsideAFrameIsAnErrorAndBetweenFramesIsNot() throws IOException {
        assertThat(readerOf(new byte[0], 1024).read()).isNull();
        assertThatThrownBy(() -> readerOf(new byte[] {0, 0}, 1024).read()).isInstanceOf(EOFException.class);
        byte[] truncated =
                ByteBuffer.allocate(8).put(header(100, 1)).put(new byte[3]).array();
        assertThatThrownBy(() -> readerOf(truncated, 1024).read()).isInstanceOf(EOFException.class);
    }
}
