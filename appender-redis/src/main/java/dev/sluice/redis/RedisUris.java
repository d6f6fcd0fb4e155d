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
        for (String part : (value == null ? "" : value).split(",", -1)) {
            String seed = part.trim();
            if (seed.isEmpty()) {
                problems.add("uri '" + value + "' has an empty entry: give one Redis URI, or for a cluster seed"
                        + " URIs separated by commas.");
                continue;
            }
            try {
                uris.add(RedisURI.create(seed));
            } catch (RuntimeException e) {
                problems.add("uri '" + seed + "' is not a Redis URI (redis://, rediss://, redis-sentinel://): "
                        + e.getMessage() + ".");
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

    /** One URI without credentials, for status messages. */
    static String display(RedisURI uri) {
        String scheme = uri.isSsl() ? "rediss" : uri.getSentinels().isEmpty() ? "redis" : "redis-sentinel";
        String where = uri.getSentinels().isEmpty()
                ? uri.getHost() + ":" + uri.getPort()
                : uri.getSentinels().get(0).getHost() + ":"
                        + uri.getSentinels().get(0).getPort() + "#" + uri.getSentinelMasterId();
        return scheme + "://" + where + "/" + uri.getDatabase();
    }
}
