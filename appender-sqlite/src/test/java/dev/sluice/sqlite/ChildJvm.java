package dev.sluice.sqlite;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM running {@link SqliteWriterMain} on this test's class path. Its stdout lines are collected as they come,
 * its stderr goes to a file shown in failure messages; {@link #close()} kills it (SIGKILL) if it is still running.
 */
final class ChildJvm implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path stderr;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private ChildJvm(String name, Process process, Path stderr) {
        this.name = name;
        this.process = process;
        this.stderr = stderr;
        Thread reader = new Thread(this::readStdout, "stdout-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    static ChildJvm start(Path dir, String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                SqliteWriterMain.class.getName()));
        command.addAll(List.of(args));
        Path stderr = dir.resolve(name + ".stderr");
        Process process =
                new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        return new ChildJvm(name, process, stderr);
    }

    private void readStdout() {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the process was killed
        }
    }

    /** The last stdout line starting with {@code keyword + " "}, without the keyword. */
    Optional<String> last(String keyword) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith(keyword + " ") || lines.get(i).equals(keyword)) {
                return Optional.of(lines.get(i).substring(keyword.length()).trim());
            }
        }
        return Optional.empty();
    }

    /**
     * Waits until the last stdout line with the keyword satisfies the condition, and returns it; fails at once, with
     * what the child printed, if the child exits first.
     */
    String awaitLine(String keyword, Predicate<String> condition, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(5)).until(() -> {
            Optional<String> line = last(keyword);
            if (line.isPresent() && condition.test(line.get())) {
                return true;
            }
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before printing the "
                        + keyword + " line awaited\n" + describe());
            }
            return false;
        });
        return last(keyword).orElseThrow();
    }

    void send(String line) throws IOException {
        OutputStream stdin = process.getOutputStream();
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Waits for the child to exit on its own and returns its exit code. */
    int awaitExit(Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + atMost + "\n" + describe());
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook, no finally block, no flush runs in the child. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** What the child printed, for failure messages. */
    String describe() {
        String err;
        try {
            err = Files.exists(stderr) ? Files.readString(stderr) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int from = Math.max(0, lines.size() - 20);
        return name + " stdout (last lines): " + lines.subList(from, lines.size()) + "\n" + name + " stderr:\n" + err;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
