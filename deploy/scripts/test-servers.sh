#!/usr/bin/env bash
# Starts (or stops) a private RabbitMQ node and a private Redis on loopback for the test suite,
# each with its own ports and data folder under .test-servers/, so they never touch a broker
# or Redis the machine already runs.
#
#   deploy/scripts/test-servers.sh start   install when missing, start, wait until ready, print the env
#   deploy/scripts/test-servers.sh stop [redis] [rabbitmq]   stop them (both by default)
#   deploy/scripts/test-servers.sh env     print the environment the tests read
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
state="${SYNC_TEST_SERVERS_DIR:-$root/.test-servers}"
amqp_port="${SYNC_TEST_RABBITMQ_PORT:-5679}"
management_port="${SYNC_TEST_RABBITMQ_MANAGEMENT_PORT:-15679}"
dist_port="${SYNC_TEST_RABBITMQ_DIST_PORT:-25679}"
redis_port="${SYNC_TEST_REDIS_PORT:-6389}"
node="sync-test-$amqp_port@localhost"

say() { printf 'test-servers: %s\n' "$*" >&2; }

started=()

print_env() {
  cat <<ENV
export SYNC_TEST_RABBITMQ_HOST=127.0.0.1
export SYNC_TEST_RABBITMQ_PORT=$amqp_port
export SYNC_TEST_RABBITMQ_MANAGEMENT_PORT=$management_port
export SYNC_TEST_RABBITMQ_USER=guest
export SYNC_TEST_RABBITMQ_PASSWORD=guest
export SYNC_TEST_REDIS=127.0.0.1:$redis_port
export SYNC_TEST_SERVERS_STARTED="${started[*]}"
ENV
}

install_missing() {
  local missing=()
  command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    say "missing Debian packages: ${missing[*]}. Install them as root: apt-get update && apt-get install -y ${missing[*]}"
    exit 1
  fi
  say "installing ${missing[*]} (apt-get)"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  # The Debian packages try to start system-wide servers; those are not ours to keep.
  pkill -u rabbitmq -f 'beam.smp.*-sname rabbit@' 2>/dev/null || true
}

# RabbitMQ refuses to run as an arbitrary user; as root we run it as the rabbitmq user.
as_broker_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u rabbitmq -- env HOME="$state/rabbitmq" "$@"
  else
    env HOME="$state/rabbitmq" "$@"
  fi
}

rabbit_env() {
  echo RABBITMQ_NODENAME="$node" \
       RABBITMQ_CONFIG_FILE="$state/rabbitmq/rabbitmq" \
       RABBITMQ_MNESIA_BASE="$state/rabbitmq/mnesia" \
       RABBITMQ_LOG_BASE="$state/rabbitmq/log" \
       RABBITMQ_DIST_PORT="$dist_port" \
       RABBITMQ_ENABLED_PLUGINS_FILE="$state/rabbitmq/enabled_plugins" \
       RABBITMQ_PID_FILE="$state/rabbitmq/rabbitmq.pid"
}

rabbit() { # rabbit <command> [args]: a RabbitMQ CLI tool pointed at our node
  local tool=$1; shift
  # shellcheck disable=SC2046
  as_broker_user env $(rabbit_env) "/usr/lib/rabbitmq/bin/$tool" "$@"
}

start_rabbitmq() {
  if rabbit rabbitmq-diagnostics -q check_port_connectivity >/dev/null 2>&1; then
    say "RabbitMQ $node already running on $amqp_port"
    return 0
  fi
  mkdir -p "$state/rabbitmq/mnesia" "$state/rabbitmq/log"
  cat > "$state/rabbitmq/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$amqp_port
management.tcp.port = $management_port
management.tcp.ip = 127.0.0.1
loopback_users = none
# Queue statistics every 250 ms, so tests that wait for "drained, nothing unacknowledged" see it promptly.
collect_statistics_interval = 250
CONF
  echo '[rabbitmq_management].' > "$state/rabbitmq/enabled_plugins"
  [ -f "$state/rabbitmq/.erlang.cookie" ] || { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$state/rabbitmq/.erlang.cookie"; }
  chmod 400 "$state/rabbitmq/.erlang.cookie"
  [ "$(id -u)" -eq 0 ] && chown -R rabbitmq:rabbitmq "$state/rabbitmq"
  say "starting RabbitMQ $node on 127.0.0.1:$amqp_port (management on $management_port)"
  # shellcheck disable=SC2046
  as_broker_user env $(rabbit_env) ERL_EPMD_ADDRESS=127.0.0.1 \
    setsid /usr/lib/rabbitmq/bin/rabbitmq-server > "$state/rabbitmq/log/console.log" 2>&1 < /dev/null &
  local deadline=$((SECONDS + 90))
  until rabbit rabbitmq-diagnostics -q check_port_connectivity >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      say "RabbitMQ did not become ready within 90 s; its log:"; tail -n 40 "$state/rabbitmq/log/console.log" >&2; exit 1
    fi
    sleep 1
  done
  until curl -fsS -u guest:guest "http://127.0.0.1:$management_port/api/overview" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then say "RabbitMQ management API did not answer on $management_port"; exit 1; fi
    sleep 1
  done
  started+=(rabbitmq)
  say "RabbitMQ ready"
}

start_redis() {
  if redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
    say "Redis already running on $redis_port"
    return 0
  fi
  mkdir -p "$state/redis"
  say "starting Redis on 127.0.0.1:$redis_port (append-only)"
  redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$state/redis" \
    --appendonly yes --appendfsync everysec --save '' \
    --daemonize yes --pidfile "$state/redis/redis.pid" --logfile "$state/redis/redis.log"
  local deadline=$((SECONDS + 30))
  until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && { say "Redis did not answer on $redis_port"; exit 1; }
    sleep 0.2
  done
  started+=(redis)
  say "Redis ready"
}

# stop [redis] [rabbitmq]: stops those (both when none is named).
stop_all() {
  local which="${*:-redis rabbitmq}"
  if [[ " $which " == *" redis "* ]] && [ -f "$state/redis/redis.pid" ]; then
    redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
    rm -f "$state/redis/redis.pid"
  fi
  if [[ " $which " == *" rabbitmq "* ]] && rabbit rabbitmq-diagnostics -q check_port_connectivity >/dev/null 2>&1; then
    rabbit rabbitmqctl -q stop >/dev/null 2>&1 || true
  fi
  say "stopped: $which"
}

case "${1:-}" in
  start) install_missing; start_redis; start_rabbitmq; print_env ;;
  stop) shift; stop_all "$@" ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
