package dev.sluice.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.status.Status;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SluiceJsonEncoderTest {

    private final LoggerContext context = new LoggerContext();
    private final EventJsonDecoder decoder = new EventJsonDecoder();

    SluiceJsonEncoderTest() {
        context.setName("shop-context");
        context.setMDCAdapter(new LogbackMDCAdapter());
    }

    @AfterEach
    void stopContext() {
        context.stop();
    }

    @Test
    void writesDecodableNdjsonThroughAFileAppenderConfiguredByJoran(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.ndjson");
        String xml = "<configuration>\n"
                + "  <property scope=\"context\" name=\"service\" value=\"shop\"/>\n"
                + "  <appender name=\"FILE\" class=\"ch.qos.logback.core.FileAppender\">\n"
                + "    <file>" + file + "</file>\n"
                + "    <encoder class=\"dev.sluice.core.json.SluiceJsonEncoder\">\n"
                + "      <host>box-1</host>\n"
                + "      <maxFrames>5</maxFrames>\n"
                + "      <maxThrowableDepth>2</maxThrowableDepth>\n"
                + "      <maxTotalFrames>6</maxTotalFrames>\n"
                + "      <maxSuppressed>1</maxSuppressed>\n"
                + "      <maxStringLength>100</maxStringLength>\n"
                + "    </encoder>\n"
                + "  </appender>\n"
                + "  <root level=\"DEBUG\"><appender-ref ref=\"FILE\"/></root>\n"
                + "</configuration>\n";
        configure(xml);
        assertThat(errors()).isEmpty();
        Logger logger = context.getLogger("com.example.Shop");

        context.getMDCAdapter().put("requestId", "r-1");
        logger.info("first {}", 1);
        logger.info("long {}", "z".repeat(200));
        context.getMDCAdapter().clear();
        logger.atWarn().addKeyValue("orderId", 9).log("second");
        RuntimeException third = new RuntimeException("a", new RuntimeException("b", new RuntimeException("c")));
        third.addSuppressed(new IllegalStateException("s1"));
        third.addSuppressed(new IllegalStateException("s2"));
        logger.error("third", third);
        logger.trace("below the threshold");
        context.stop();

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(Files.readString(file)).endsWith("}\n");
        assertThat(lines).hasSize(4);
        List<DecodedLoggingEvent> decoded = lines.stream()
                .map(line -> decoder.decode(line.getBytes(StandardCharsets.UTF_8)))
                .collect(Collectors.toList());
        assertThat(decoded)
                .extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("first 1", "long " + "z".repeat(73) + "…[truncated 127 chars]", "second", "third");
        assertThat(decoded).extracting(DecodedLoggingEvent::getService).containsOnly("shop");
        assertThat(decoded).extracting(DecodedLoggingEvent::getHost).containsOnly("box-1");
        assertThat(decoded)
                .extracting(DecodedLoggingEvent::getPid)
                .containsOnly(ProcessHandle.current().pid());
        assertThat(decoded.get(0).getMDCPropertyMap()).containsEntry("requestId", "r-1");
        assertThat(decoded.get(2).getLevel()).isEqualTo(Level.WARN);
        assertThat(decoded.get(2).getKeyValuePairs().get(0).value).isEqualTo(9);
        DecodedThrowableProxy thrown = (DecodedThrowableProxy) decoded.get(3).getThrowableProxy();
        assertThat(thrown.getStackTraceElementProxyArray()).hasSize(5);
        assertThat(thrown.getOmittedFrames()).isPositive();
        assertThat(((DecodedThrowableProxy) thrown.getCause()).isTruncated()).isTrue();
        // maxTotalFrames: 5 frames on top, the cause's are all common with it, 1 left for the suppressed throwable.
        assertThat(thrown.getCause().getStackTraceElementProxyArray()).isEmpty();
        assertThat(thrown.getSuppressed()).hasSize(1);
        assertThat(thrown.getSuppressed()[0].getStackTraceElementProxyArray()).hasSize(1);
        assertThat(((DecodedThrowableProxy) thrown.getSuppressed()[0]).getOmittedFrames())
                .isPositive();
        assertThat(thrown.getOmittedSuppressed()).isEqualTo(1);
    }

    @Test
    void writesOneLinePerEventToAnOutputStreamAppender() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SluiceJsonEncoder encoder = encoder();
        encoder.setService("billing");
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.start();
        Logger logger = context.getLogger("com.example.Billing");
        logger.addAppender(appender);

        logger.info("one\ntwo");
        logger.info("three");
        appender.stop();

        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n", -1);
        assertThat(lines).hasSize(3);
        assertThat(lines[2]).isEmpty();
        assertThat(decoder.decode(lines[0].getBytes(StandardCharsets.UTF_8)).getFormattedMessage())
                .isEqualTo("one\ntwo");
        assertThat(decoder.decode(lines[1].getBytes(StandardCharsets.UTF_8)).getService())
                .isEqualTo("billing");
    }

    @Test
    void defaultsServiceToTheContextPropertyThenTheContextName() {
        SluiceJsonEncoder byName = encoder();
        byName.start();
        assertThat(byName.getSettings().service()).isEqualTo("shop-context");

        context.putProperty(SluiceJsonEncoder.SERVICE_PROPERTY, "shop");
        SluiceJsonEncoder byProperty = encoder();
        byProperty.start();
        assertThat(byProperty.getSettings().service()).isEqualTo("shop");

        SluiceJsonEncoder explicit = encoder();
        explicit.setService("billing");
        explicit.start();
        assertThat(explicit.getSettings().service()).isEqualTo("billing");
    }

    @Test
    void defaultsHostToTheContextHostname() {
        context.putProperty("HOSTNAME", "box-7");
        SluiceJsonEncoder fromContext = encoder();
        fromContext.start();
        assertThat(fromContext.getSettings().host()).isEqualTo("box-7");

        SluiceJsonEncoder explicit = encoder();
        explicit.setHost("box-8");
        explicit.start();
        assertThat(explicit.getSettings().host()).isEqualTo("box-8");
    }

    @Test
    void findsAHostNameWithoutHelp() {
        SluiceJsonEncoder encoder = encoder();
        encoder.start();

        assertThat(encoder.isStarted()).isTrue();
        assertThat(encoder.getSettings().host()).isNotBlank();
    }

    @Test
    void refusesToStartWithInvalidSettings() {
        SluiceJsonEncoder encoder = encoder();
        encoder.setMaxFrames(0);
        encoder.setMaxThrowableDepth(EventJsonSettings.MAX_THROWABLE_DEPTH + 1);
        encoder.setMaxTotalFrames(0);
        encoder.setMaxSuppressed(EventJsonSettings.MAX_SUPPRESSED + 1);
        encoder.setMaxStringLength(10);

        encoder.start();

        assertThat(encoder.isStarted()).isFalse();
        assertThat(encoder.getSettings()).isNull();
        assertThat(errors())
                .containsExactly(
                        "Invalid <encoder> setting: maxThrowableDepth must be between 1 and 30, was 31. Not starting.",
                        "Invalid <encoder> setting: maxFrames must be between 1 and 1024, was 0. Not starting.",
                        "Invalid <encoder> setting: maxTotalFrames must be between 1 and 8192, was 0. Not starting.",
                        "Invalid <encoder> setting: maxSuppressed must be between 0 and 1024, was 1025. Not starting.",
                        "Invalid <encoder> setting: maxStringLength must be between 64 and 4194304, was 10. Not"
                                + " starting.");
        assertThatThrownBy(() -> encoder.encode(new TestEvents().event("x")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not started");
    }

    @Test
    void reportsInvalidSettingsFromJoran(@TempDir Path dir) throws Exception {
        String xml = "<configuration>\n"
                + "  <appender name=\"FILE\" class=\"ch.qos.logback.core.FileAppender\">\n"
                + "    <file>" + dir.resolve("x.ndjson") + "</file>\n"
                + "    <encoder class=\"dev.sluice.core.json.SluiceJsonEncoder\">\n"
                + "      <maxFrames>0</maxFrames>\n"
                + "    </encoder>\n"
                + "  </appender>\n"
                + "  <root level=\"INFO\"><appender-ref ref=\"FILE\"/></root>\n"
                + "</configuration>\n";

        configure(xml);

        assertThat(errors())
                .contains("Invalid <encoder> setting: maxFrames must be between 1 and 1024, was 0. Not starting.");
    }

    @Test
    void hasNoHeaderOrFooter() {
        SluiceJsonEncoder encoder = encoder();
        encoder.start();

        assertThat(encoder.headerBytes()).isNull();
        assertThat(encoder.footerBytes()).isNull();
    }

    @Test
    void encodesOneLine() {
        SluiceJsonEncoder encoder = encoder();
        encoder.setService("s");
        encoder.setHost("h");
        encoder.start();
        ILoggingEvent event = new TestEvents().event("x");

        byte[] line = encoder.encode(event);

        assertThat(line[line.length - 1]).isEqualTo((byte) '\n');
        String json = new String(line, 0, line.length - 1, StandardCharsets.UTF_8);
        assertThat(json).doesNotContain("\n");
        assertThat(decoder.decode(line).getFormattedMessage()).isEqualTo("x");
    }

    private SluiceJsonEncoder encoder() {
        SluiceJsonEncoder encoder = new SluiceJsonEncoder();
        encoder.setContext(context);
        return encoder;
    }

    private void configure(String xml) throws Exception {
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private List<String> errors() {
        return context.getStatusManager().getCopyOfStatusList().stream()
                .filter(s -> s.getLevel() == Status.ERROR)
                .map(Status::getMessage)
                .collect(Collectors.toList());
    }
}
