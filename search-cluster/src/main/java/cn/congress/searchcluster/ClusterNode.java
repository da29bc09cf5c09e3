package cn.congress.searchcluster;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.codelibs.opensearch.runner.OpenSearchRunner;

/** Starts one OpenSearch node in this JVM, joined to its peers over loopback transport ports. */
public final class ClusterNode {

    private ClusterNode() {
    }

    /**
     * Arguments are key=value pairs: name, home, cluster, http, transport, seeds (comma-separated host:port list of
     * every node's transport address) and managers (comma-separated node names that may bootstrap the cluster).
     */
    public static void main(final String[] args) throws Exception {
        final Map<String, String> opts = new HashMap<>();
        for (final String arg : args) {
            final int eq = arg.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("expected key=value, got " + arg);
            }
            opts.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        final String name = required(opts, "name");
        final OpenSearchRunner runner = new OpenSearchRunner();
        // The runner fills in paths and defaults only where these settings leave a key unset.
        runner.onBuild((index, settings) -> {
            settings.put("node.name", name);
            settings.put("network.host", "127.0.0.1");
            settings.put("http.port", required(opts, "http"));
            settings.put("transport.port", required(opts, "transport"));
            settings.putList("discovery.seed_hosts", Arrays.asList(required(opts, "seeds").split(",")));
            settings.putList("cluster.initial_cluster_manager_nodes",
                    Arrays.asList(required(opts, "managers").split(",")));
            // Disk watermarks judge a shared developer disk, not this cluster: never block writes because of it.
            settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
            settings.put("action.auto_create_index", false);
        });
        final CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (final Exception e) {
                System.err.println("closing node " + name + ": " + e);
            } finally {
                closed.countDown();
            }
        }));
        runner.build(OpenSearchRunner.newConfigs()
                .basePath(required(opts, "home"))
                .clusterName(required(opts, "cluster"))
                .numOfNode(1)
                .moduleTypes(String.join(",",
                        "org.opensearch.transport.Netty4Plugin",
                        "org.opensearch.analysis.common.CommonAnalysisPlugin",
                        "org.opensearch.index.mapper.MapperExtrasPlugin",
                        "org.opensearch.painless.PainlessPlugin",
                        "org.opensearch.index.reindex.ReindexPlugin")));
        System.out.println("node " + name + " started");
        closed.await();
    }

    private static String required(final Map<String, String> opts, final String key) {
        final String value = opts.get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("missing argument " + key + "=...");
        }
        return value;
    }
}
