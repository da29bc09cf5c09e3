#!/usr/bin/env bash
# Starts, stops and inspects a local OpenSearch cluster of NODES nodes, one JVM each, on loopback ports, with all
# its data and logs under var/opensearch/. Usage: cluster.sh start|stop|status|url|start-node N|stop-node N|kill-node N
# start waits until the cluster is green and prints its nodes' URLs on stdout, comma-separated, as SEARCH_URL takes
# them (everything else goes to stderr).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
here="$root/search-cluster"
var="$root/var/opensearch"
NODES=${OPENSEARCH_NODES:-2}
HTTP_BASE=${OPENSEARCH_HTTP_PORT:-9200}
TRANSPORT_BASE=${OPENSEARCH_TRANSPORT_PORT:-9300}
HEAP=${OPENSEARCH_HEAP:-512m}
CLUSTER=${OPENSEARCH_CLUSTER:-congress}
WAIT=${OPENSEARCH_WAIT_SECONDS:-180}

# Every node's address, comma-separated: the site's client goes on through the others when one node is down.
urls() { local i out=""; for i in $(seq 1 "$NODES"); do out="${out:+$out,}$(node_url "$i")"; done; echo "$out"; }
url() { echo "http://127.0.0.1:${HTTP_BASE}/"; }
node_url() { echo "http://127.0.0.1:$((HTTP_BASE + $1 - 1))/"; }
pid_of() { cat "$var/node-$1.pid" 2>/dev/null || true; }
alive() { local pid; pid=$(pid_of "$1"); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

# Compiles the node's main class and records the classpath Maven resolved, again only when the pom changes.
build() {
  if [ ! -f "$here/target/classpath.txt" ] || [ "$here/pom.xml" -nt "$here/target/classpath.txt" ] ||
     [ "$here/src/main/java/cn/congress/searchcluster/ClusterNode.java" -nt "$here/target/classpath.txt" ]; then
    echo "building the OpenSearch node (Maven)…" >&2
    (cd "$here" && mvn -q -B package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2)
  fi
}

start_node() {
  local n=$1 seeds="" managers="" i
  if alive "$n"; then return; fi
  for i in $(seq 1 "$NODES"); do
    seeds="${seeds:+$seeds,}127.0.0.1:$((TRANSPORT_BASE + i - 1))"
    managers="${managers:+$managers,}node-$i"
  done
  mkdir -p "$var"
  # setsid: the node outlives the shell that started it and gets no terminal signals meant for that shell.
  setsid java -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -Djava.awt.headless=true -Dfile.encoding=UTF-8 \
    -Dlog4j2.formatMsgNoLookups=true -Djava.io.tmpdir="$var" \
    -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" cn.congress.searchcluster.ClusterNode \
    name="node-$n" home="$var/node-$n" cluster="$CLUSTER" http=$((HTTP_BASE + n - 1)) \
    transport=$((TRANSPORT_BASE + n - 1)) seeds="$seeds" managers="$managers" \
    >"$var/node-$n.log" 2>&1 </dev/null &
  echo $! >"$var/node-$n.pid"
}

stop_node() {  # $1 node, $2 signal
  local pid; pid=$(pid_of "$1")
  if alive "$1"; then
    kill "-$2" "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  fi
  rm -f "$var/node-$1.pid"
}

# Waits for green with all nodes in; a node that died while starting ends the wait with its log's tail.
wait_green() {
  local deadline=$((SECONDS + WAIT)) i
  while [ $SECONDS -lt $deadline ]; do
    for i in $(seq 1 "$NODES"); do
      if ! alive "$i"; then echo "node-$i exited; its log ends:" >&2; tail -30 "$var/node-$i.log" >&2; exit 1; fi
    done
    if curl -fsS "$(url)_cluster/health?wait_for_status=green&wait_for_nodes=$NODES&timeout=5s" >/dev/null 2>&1; then
      return 0
    fi
    sleep 1
  done
  echo "the cluster did not turn green within ${WAIT}s" >&2
  exit 1
}

case "${1:-}" in
  start)
    command -v java >/dev/null || { echo "java is missing (Java 17 or newer)" >&2; exit 1; }
    build
    for i in $(seq 1 "$NODES"); do start_node "$i"; done
    wait_green
    urls ;;
  stop) for i in $(seq 1 "$NODES"); do stop_node "$i" TERM; done ;;
  start-node) build; start_node "$2" ;;
  stop-node) stop_node "$2" TERM ;;
  kill-node) stop_node "$2" KILL ;;
  status) curl -fsS "$(url)_cluster/health?pretty" ;;
  url) urls ;;
  node-url) node_url "$2" ;;
  *) echo "usage: $0 start|stop|status|url|node-url N|start-node N|stop-node N|kill-node N" >&2; exit 2 ;;
esac
