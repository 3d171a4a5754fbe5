#!/usr/bin/env bash
# What one prospect's sync state takes in Redis: runs the evaluator's own scripts (Lua/) for a typical history of events
# (page views, form submissions, e-mail opens, CRM edits, completed syncs and the sync's own writes, in a repeating mix), then
# prints MEMORY USAGE of each of the prospect's keys and their sum, and deletes them. It measures, it asserts nothing.
#
#   services/sync-evaluator/Storage/measure-prospect-memory.sh [events] [decisions kept]     (defaults: 200 events, 50 kept)
#   REDIS_CLI="redis-cli -h redis.example -p 6379" services/sync-evaluator/Storage/measure-prospect-memory.sh
set -euo pipefail

events=${1:-200}
kept=${2:-50}
read -r -a cli <<< "${REDIS_CLI:-redis-cli -p 6389}"
lua="$(dirname "$0")/Lua"
apply="$(cat "$lua/prelude.lua")
$(cat "$lua/apply-change.lua")"
publish="$(cat "$lua/prelude.lua")
$(cat "$lua/mark-published.lua")"

prefix="measure-$(cat /proc/sys/kernel/random/uuid)"
key() { echo "$prefix:sync-evaluator:{p:1}:$1"; }
state=$(key state) outbox=$(key outbox) decisions=$(key decisions) seen=$(key seen)

# The SyncState defaults: max clock skew 5 min, publish grace 30 s, dedupe window 7 days, decisions retention 30 days (ms).
apply_event() { # event type, rule, moves, effect, completion sync id, version, outcome, stamp (SyncChange.Stamp's by, or '')
  local now; now=$(date +%s%3N)
  local crm_modified="" revision_read="" crm_read="" stamp_crm=""
  # A completion names what it read (a revision, a LastModifiedDate), and so the state keeps the last ones read.
  [ "$4" = Completion ] && crm_modified=$now revision_read=$((i + 1)) crm_read=$now
  [ "${8:-}" = CrmLastModified ] && stamp_crm=$now
  "${cli[@]}" EVAL "$apply" 4 "$state" "$outbox" "$decisions" "$seen" \
    "$(cat /proc/sys/kernel/random/uuid)" "$1" "$2" "$3" "$4" "$now" 0 "$5" "$6" "$7" "$crm_modified" \
    "$(cat /proc/sys/kernel/random/uuid)" "$(cat /proc/sys/kernel/random/uuid)" 300000 30000 604800000 "$kept" 0 2592000000 "" "" \
    "${8:-}" "" "$stamp_crm" "$revision_read" "$crm_read" > /dev/null
}

for ((i = 0; i < events; i++)); do
  case $((i % 10)) in
    0 | 7) apply_event ProspectActivityRecorded TrackedPageView LastActivity Trigger "" 0 "" NoMappedField ;;
    1 | 6) apply_event ProspectActivityRecorded EmailOpen None NoSync "" 0 "" ;;
    2) apply_event ProspectActivityRecorded FormSubmission LastActivity Trigger "" 0 "" NoMappedField ;;
    4) apply_event ProspectChanged SyncOwnWrite UpdatedAt OwnWrite "" 0 "" ;;
    5) apply_event CrmRecordChanged CrmFieldChange CrmLastModified Trigger "" 0 "" CrmLastModified ;;
    3 | 8 | 9)
      sync_id=$("${cli[@]}" HGET "$outbox" syncId)
      if [ -n "$sync_id" ]; then
        "${cli[@]}" EVAL "$publish" 1 "$outbox" "$sync_id" 600000 21600000 > /dev/null
        apply_event SyncCompleted SyncCompleted None Completion "$sync_id" "$("${cli[@]}" HGET "$outbox" version)" Synced
      else
        apply_event ProspectActivityRecorded EmailOpen None NoSync "" 0 ""
      fi ;;
  esac
done

total=0
for name in state outbox decisions seen; do
  k=$(key $name)
  bytes=$("${cli[@]}" MEMORY USAGE "$k" SAMPLES 0)
  bytes=${bytes:-0}
  total=$((total + bytes))
  printf '%-10s %-9s %6s bytes  (%s entries)\n' "$name" "$("${cli[@]}" TYPE "$k")" "$bytes" \
    "$(case $name in decisions) "${cli[@]}" LLEN "$k" ;; seen) "${cli[@]}" ZCARD "$k" ;; *) "${cli[@]}" HLEN "$k" ;; esac)"
done
printf 'per decision %d bytes (JSON, average)\n' "$(( $("${cli[@]}" EVAL "local t=0 for _,d in ipairs(redis.call('LRANGE',KEYS[1],0,-1)) do t=t+#d end return math.floor(t/math.max(1,redis.call('LLEN',KEYS[1])))" 1 "$decisions") ))"
printf 'total      %d bytes per prospect after %d events, %d decisions kept\n' "$total" "$events" "$kept"
[ -n "${KEEP_KEYS:-}" ] || "${cli[@]}" DEL "$state" "$outbox" "$decisions" "$seen" > /dev/null
