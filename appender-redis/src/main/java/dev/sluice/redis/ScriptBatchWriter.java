package dev.sluice.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a batch as one call of a Lua script ({@code EVALSHA}) that makes, inside Redis, the calls the pipeline would
 * send: per event a PUBLISH (or SPUBLISH) and/or an {@code XADD MAXLEN ~} to its context channel and to the global
 * channel, in the same order, then one EXPIRE per stream key. One command instead of four per event costs Redis and
 * the client far less. The stream keys are the script's KEYS, the channels, payloads and settings its ARGV. A batch
 * whose payloads exceed {@value #MAX_SCRIPT_BYTES} bytes is split into several calls, sent one after the other, each
 * once the previous one has succeeded; an event larger than that has a call of its own.
 *
 * <p>The script is loaded once: a call answered {@code NOSCRIPT} (the first one, or after a restart or
 * {@code SCRIPT FLUSH}) has run nothing, so the script is loaded and the call sent again. A server that refuses
 * scripts ({@code NOPERM} from its ACL, or an unknown command) has run nothing either: {@link ScriptsRefused} says
 * from which event the batch is unwritten, for the pipeline to take over.
 *
 * <p>Redis runs a script whole, with no other command in between. Each call inside it goes through
 * {@code redis.pcall}, so that a failing call (a WRONGTYPE on one stream) does not stop the others; the script returns
 * the error replies with the index of their event, as the pipeline would have had them. Only a Lua error would stop a
 * script midway, leaving the effects of the calls before it: as the script makes its calls in the pipeline's order,
 * Redis has then run a prefix of the batch, and an attempt still runs a prefix of its batch at most, never one with
 * holes. An attempt that times out (the script may have run or not) closes the connection, as the pipeline's does.
 */
final class ScriptBatchWriter {

    /** The most payload bytes one script call carries, unless a single event is larger: {@value} (1 MiB). */
    static final int MAX_SCRIPT_BYTES = 1 << 20;

    /**
     * ARGV: the publish command ({@code ""} for none), the {@code MAXLEN} ({@code "0"} for none), the number n of
     * channels, the n channels (the global one first), their n TTLs in seconds ({@code "0"} for none), then per event
     * its context channel's number (0 for none) and its payload. KEYS: the channels' n streams, or none when the
     * target is PUBLISH. Returns a flat list of event index (-1 for an EXPIRE) and error reply.
     */
    static final String SCRIPT = """
            local publish, maxlen, n = ARGV[1], ARGV[2], tonumber(ARGV[3])
            local streams = #KEYS > 0
            local errors = {}
            local function check(event, reply)
              if type(reply) == 'table' and reply.err then
                errors[#errors + 1] = event
                errors[#errors + 1] = reply.err
              end
            end
            local function send(event, channel, payload)
              if publish ~= '' then
                check(event, redis.pcall(publish, ARGV[3 + channel], payload))
              end
              if streams then
                if maxlen == '0' then
                  check(event, redis.pcall('XADD', KEYS[channel], '*', '%1$s', payload))
                else
                  check(event, redis.pcall('XADD', KEYS[channel], 'MAXLEN', '~', maxlen, '*', '%1$s', payload))
                end
              end
            end
            local first = 4 + 2 * n
            for i = first, #ARGV, 2 do
              local event, context = (i - first) / 2, tonumber(ARGV[i])
              if context > 0 then
                send(event, context, ARGV[i + 1])
              end
              send(event, 1, ARGV[i + 1])
            end
            if streams then
              for c = 1, n do
                if ARGV[3 + n + c] ~= '0' then
                  check(-1, redis.pcall('EXPIRE', KEYS[c], ARGV[3 + n + c]))
                end
              end
            end
            return errors
            """.formatted(LogEntry.STREAM_FIELD);

    private static final String SHA = sha1Hex(SCRIPT);
    private static final byte[] NONE = bytes("");
    private static final String[] NO_KEYS = {};

    /** Thrown when the server refuses scripts; the events from {@code firstUnwritten} on were not written. */
    static final class ScriptsRefused extends Exception {

        private static final long serialVersionUID = 1L;

        final int firstUnwritten;

        ScriptsRefused(int firstUnwritten, Throwable cause) {
            super(cause.getMessage(), cause);
            this.firstUnwritten = firstUnwritten;
        }
    }

    private final RedisSinkSettings settings;
    private final byte[] publish;
    private final byte[] maxLen;
    private final byte[] contextTtl;
    private final byte[] globalTtl;
    private final List<byte[]> numbers = new ArrayList<>();

    ScriptBatchWriter(RedisSinkSettings settings) {
        this.settings = settings;
        this.publish =
                settings.target().publishes() ? bytes(settings.publishCommand().name()) : NONE;
        this.maxLen = bytes(Long.toString(settings.maxLen()));
        this.contextTtl = bytes(Long.toString(settings.contextTtlSeconds()));
        this.globalTtl = bytes(Long.toString(settings.globalTtlSeconds()));
    }

    /**
     * Sends the batch in calls of at most {@value #MAX_SCRIPT_BYTES} payload bytes, each after the previous one
     * succeeded, and notes their replies; a call that fails other than by error replies to its calls stops the rest.
     *
     * @throws ScriptsRefused when the server refuses scripts
     */
    void write(RedisConnectionFactory.Link link, PreparedBatch batch, BatchReplies replies) throws ScriptsRefused {
        int start = 0;
        while (start < batch.size() && !replies.failedWholly()) {
            int end = end(batch, start);
            call(link, batch, start, end, replies);
            start = end;
        }
    }

    /** The end of the call that starts at {@code start}: as many events as fit in its bytes, one at least. */
    private static int end(PreparedBatch batch, int start) {
        long bytes = batch.payloads()[start].length;
        int end = start + 1;
        while (end < batch.size() && bytes + batch.payloads()[end].length <= MAX_SCRIPT_BYTES) {
            bytes += batch.payloads()[end].length;
            end++;
        }
        return end;
    }

    private void call(RedisConnectionFactory.Link link, PreparedBatch batch, int start, int end, BatchReplies replies)
            throws ScriptsRefused {
        Map<String, Integer> channels = new LinkedHashMap<>();
        channels.put(settings.names().globalChannel(), 1);
        int[] contexts = new int[end - start];
        for (int i = start; i < end; i++) {
            String channel = batch.contextChannels()[i];
            contexts[i - start] = channel == null ? 0 : channels.computeIfAbsent(channel, c -> channels.size() + 1);
        }
        int n = channels.size();
        byte[][] args = new byte[3 + 2 * n + 2 * (end - start)][];
        args[0] = publish;
        args[1] = maxLen;
        args[2] = number(n);
        int c = 0;
        for (String channel : channels.keySet()) {
            args[3 + c] = bytes(channel);
            args[3 + n + c] = c == 0 ? globalTtl : contextTtl;
            c++;
        }
        for (int i = start; i < end; i++) {
            args[3 + 2 * n + 2 * (i - start)] = number(contexts[i - start]);
            args[4 + 2 * n + 2 * (i - start)] = batch.payloads()[i];
        }
        String[] keys = settings.target().streams()
                ? channels.keySet().stream().map(ChannelNames::streamKey).toArray(String[]::new)
                : NO_KEYS;

        RedisFuture<List<Object>> reply = evalsha(link, keys, args);
        Throwable failure = replies.failureOf(reply);
        if (failure instanceof RedisCommandExecutionException
                && failure.getMessage().startsWith("NOSCRIPT")) {
            RedisFuture<String> load = link.commands().scriptLoad(SCRIPT);
            link.connection().flushCommands();
            failure = replies.failureOf(load);
            if (failure == null) {
                reply = evalsha(link, keys, args);
                failure = replies.failureOf(reply);
            }
        }
        if (refusesScripts(failure)) {
            throw new ScriptsRefused(start, failure);
        }
        replies.note(EventError.BATCH, failure);
        if (failure == null) {
            List<Object> errors = reply.toCompletableFuture().join();
            for (int k = 0; k + 1 < errors.size(); k += 2) {
                int event = ((Long) errors.get(k)).intValue();
                replies.errorReply(
                        event < 0 ? EventError.BATCH : start + event,
                        new String((byte[]) errors.get(k + 1), StandardCharsets.UTF_8));
            }
        }
    }

    private static RedisFuture<List<Object>> evalsha(RedisConnectionFactory.Link link, String[] keys, byte[][] args) {
        RedisClusterAsyncCommands<String, byte[]> redis = link.commands();
        RedisFuture<List<Object>> reply = redis.evalsha(SHA, ScriptOutputType.MULTI, keys, args);
        link.connection().flushCommands();
        return reply;
    }

    /**
     * Whether the reply says that this server runs no scripts for us: an ACL that denies EVALSHA or SCRIPT LOAD
     * ({@code NOPERM ... run the 'evalsha' command}, not a denied key), or a command renamed away.
     */
    private static boolean refusesScripts(Throwable failure) {
        if (!(failure instanceof RedisCommandExecutionException)) {
            return false;
        }
        String message = String.valueOf(failure.getMessage());
        return (message.startsWith("NOPERM") && message.contains("command"))
                || message.startsWith("ERR unknown command");
    }

    /** The digits of {@code value}, kept for the next batches. */
    private byte[] number(int value) {
        while (numbers.size() <= value) {
            numbers.add(bytes(Integer.toString(numbers.size())));
        }
        return numbers.get(value);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String sha1Hex(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes(script)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}
