#!/usr/bin/env bash
# The README's test command, and what CI runs: installs RabbitMQ and Redis when missing (apt-get, as root), starts a
# private broker and Redis on loopback with their own data folders, runs every test of Sync.sln against them, and
# stops what it started. Extra arguments go to `dotnet test` (for example --filter).
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET SDK (dotnet) is not on PATH; install the SDK that global.json names." >&2
  exit 1
fi

eval "$(deploy/scripts/test-servers.sh start)"
if [ -n "${SYNC_TEST_SERVERS_STARTED:-}" ]; then
  # Stop only what this run started: `stop` with no names stops both, which would take down servers someone else runs.
  # shellcheck disable=SC2086
  trap 'deploy/scripts/test-servers.sh stop $SYNC_TEST_SERVERS_STARTED' EXIT
else
  echo "test.sh: using the test servers already running (they stay up afterwards)" >&2
fi

dotnet build Sync.sln -nologo -clp:ErrorsOnly
# A test that hangs fails the run after 5 minutes with a dump of where it waits, instead of holding CI to its time limit.
dotnet test Sync.sln --no-build -nologo --logger "console;verbosity=minimal" --blame-hang-timeout 5m "$@"
