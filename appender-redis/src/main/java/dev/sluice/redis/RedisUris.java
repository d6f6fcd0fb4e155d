package dev.sluice.redis;

import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code uri} setting: one Redis URI ({@code redis://}, {@code rediss://}, {@code redis-sentinel://}), or, for a
 * Redis Cluster, one or more seed nodes separated by commas. The client learns the whole cluster from any seed that
 * answers, so a seed list only has to name nodes that are likely to be up.
 */
final class RedisUris {

    private RedisUris() {}

    /** The URIs of {@code value}; each problem is added to {@code errors}, and then the list is empty. */
    static List<RedisURI> parse(String value, boolean cluster, List<String> errors) {
        List<RedisURI> uris = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String seed : entries(value == null ? "" : value)) {
            if (seed.isEmpty()) {
                problems.add("uri '" + hidePasswords(value) + "' has an empty entry: give one Redis URI, or for a"
                        + " cluster seed URIs separated by commas.");
                continue;
            }
            try {
                uris.add(RedisURI.create(seed));
            } catch (RuntimeException e) {
                problems.add("uri '" + hidePasswords(seed) + "' is not a Redis URI (redis://, rediss://,"
                        + " redis-sentinel://): " + hidePasswords(String.valueOf(e.getMessage())) + ".");
            }
        }
        if (!cluster && uris.size() > 1) {
            problems.add(
                    "uri lists " + uris.size() + " Redis URIs; a list of seed nodes needs <cluster>true</cluster>.");
        }
        if (cluster) {
            for (RedisURI uri : uris) {
                if (!uri.getSentinels().isEmpty()) {
                    problems.add("uri '" + display(uri) + "' is a Sentinel URI; a cluster is reached through its"
                            + " own nodes (redis:// or rediss://).");
                } else if (uri.getDatabase() != 0) {
                    problems.add("uri '" + display(uri) + "' selects database " + uri.getDatabase()
                            + "; a Redis Cluster has only database 0.");
                }
            }
        }
        errors.addAll(problems);
        return problems.isEmpty() ? List.copyOf(uris) : List.of();
    }

    /**
     * The entries separated by commas, trimmed. A part without {@code ://} continues the entry before it: the further
     * sentinels of {@code redis-sentinel://s1:26379,s2:26379#name}.
     */
    private static List<String> entries(String value) {
        List<String> entries = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String trimmed = part.trim();
            int last = entries.size() - 1;
            if (!trimmed.isEmpty()
                    && !trimmed.contains("://")
                    && last >= 0
                    && !entries.get(last).isEmpty()) {
                entries.set(last, entries.get(last) + "," + trimmed);
            } else {
                entries.add(trimmed);
            }
        }
        return entries;
    }

    /** {@code text} with the user and password of any URI in it replaced by {@code ***}. */
    static String hidePasswords(String text) {
        return text.replaceAll("://[^@/\\s,]*@", "://***@");
    }

    /** The URIs without credentials, for status messages. */
    static String display(List<RedisURI> uris, boolean cluster) {
        if (!cluster) {
            return display(uris.get(0));
        }
        return "Redis Cluster "
                + uris.stream()
                        .map(uri -> (uri.isSsl() ? "rediss" : "redis") + "://" + uri.getHost() + ":" + uri.getPort())
                        .collect(Collectors.joining(","));
    }

    /**
     * One URI without credentials, for status messages: {@code redis[s]://host:port/db}, or for Sentinel every
     * sentinel and the primary's name, {@code redis[s]-sentinel://host:port,host2:port2/db#name}.
     */
    static String display(RedisURI uri) {
        String tls = uri.isSsl() ? "rediss" : "redis";
        if (uri.getSentinels().isEmpty()) {
            return tls + "://" + uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
        }
        return tls + "-sentinel://"
                + uri.getSentinels().stream()
                        .map(sentinel -> sentinel.getHost() + ":" + sentinel.getPort())
                        .collect(Collectors.joining(","))
                + "/" + uri.getDatabase() + "#" + uri.getSentinelMasterId();
    }
}
