#!/usr/bin/env bash
# Real ClickHouse test of the store (docs/store.md "Testing"): starts two clickhouse-server
# instances on loopback (own ports, data dirs and configs in a temp dir), creates the
# two-shard Distributed schema printed by `sipdx ch-schema --cluster`, ingests the corpus
# through it next to a SQLite database, and checks that
#   - the ClickHouse summary equals the SQLite summary and, per capture, `sipdx analyze`;
#   - rows landed on both shards, and a second ingest adds nothing;
#   - the version 2 message columns (file_offset, interface_id, encap, findings) equal SQLite's,
#     ingest refuses tables made by the first schema, and ch-schema --upgrade-from 1 adds them;
#   - with the entry server killed mid-ingest sipdx retries within its bound, exits 1 naming
#     the batches not written, and a rerun completes them without duplicates;
#   - --message-rows failed / none keep the summary equal to the all-rows one with fewer rows,
#     and version 2 tables are refused until ch-schema --upgrade-from 2;
#   - answers lost after an INSERT was written (lossy_proxy.py) add no duplicate rows;
#   - every capture begun has one ingests marker; version 3 tables work with a note and
#     ch-schema --upgrade-from 3 adds the table;
#   - ingest --sessions --media writes the session tables and media_streams with SQLite's rows,
#     once, and schema 5 tables are refused for --sessions until ch-schema --upgrade-from 5.
# Both servers are stopped and their data removed on every exit path.
# Usage: run_two_shards.sh SIPDX CORPUS_DIR. Exit 77 (skipped) when clickhouse-server or the
# corpus is absent; installs nothing.
set -euo pipefail

SIPDX=$1
CORPUS=$2
SERVER=$(command -v clickhouse-server || true)
[ -z "$SERVER" ] && [ -x /usr/sbin/clickhouse-server ] && SERVER=/usr/sbin/clickhouse-server
CLIENT=$(command -v clickhouse-client || true)
if [ -z "$SERVER" ] || [ -z "$CLIENT" ]; then
    echo "SKIP: clickhouse-server/clickhouse-client not installed (scripts/install-deps adds them)"
    exit 77
fi
if [ ! -d "$CORPUS" ]; then
    echo "SKIP: corpus $CORPUS absent"
    exit 77
fi

WORK=$(mktemp -d /tmp/sipdx-ch-test.XXXXXX)
declare -A PIDS=()
# Ports from the pid, so parallel runs on one machine do not collide.
BASE=$((20000 + ($$ % 2000) * 10))
HTTP1=$BASE; TCP1=$((BASE + 1)); INTER1=$((BASE + 2))
HTTP2=$((BASE + 3)); TCP2=$((BASE + 4)); INTER2=$((BASE + 5))

stop_server() {
    local n=$1 pid=${PIDS[$1]:-}
    [ -z "$pid" ] && return 0
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    PIDS[$n]=
}
PROXY_PID=
cleanup() {
    [ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null || true
    stop_server 1
    stop_server 2
    rm -rf "$WORK"
}
trap cleanup EXIT

write_config() {
    local n=$1 http=$2 tcp=$3 inter=$4 dir=$WORK/server$1
    mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas"
    cat >"$dir/users.xml" <<XML
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users><default><password></password>
    <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
    <profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
    <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time>
  </interval></default></quotas>
</yandex>
XML
    cat >"$dir/config.xml" <<XML
<yandex>
  <logger><level>warning</level><log>$dir/server.log</log><errorlog>$dir/error.log</errorlog>
    <console>0</console></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$http</http_port>
  <tcp_port>$tcp</tcp_port>
  <interserver_http_port>$inter</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <max_concurrent_queries>50</max_concurrent_queries>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <remote_servers>
    <sipdx_two>
      <shard><replica><host>127.0.0.1</host><port>$TCP1</port></replica></shard>
      <shard><replica><host>127.0.0.1</host><port>$TCP2</port></replica></shard>
    </sipdx_two>
  </remote_servers>
</yandex>
XML
}

start_server() {
    local n=$1 http=$2 dir=$WORK/server$1
    "$SERVER" --config-file="$dir/config.xml" >"$dir/stdout.log" 2>&1 &
    PIDS[$n]=$!
    for _ in $(seq 1 300); do # at most 30 s
        if curl -fsS --max-time 1 "http://127.0.0.1:$http/ping" >/dev/null 2>&1; then
            return 0
        fi
        if ! kill -0 "${PIDS[$n]}" 2>/dev/null; then
            echo "FAIL: clickhouse-server $n exited at start:"; tail -20 "$dir"/*.log
            exit 1
        fi
        sleep 0.1
    done
    echo "FAIL: clickhouse-server $n did not answer on port $http within 30 s"
    tail -20 "$dir"/*.log
    exit 1
}

chq() { # port query
    curl -fsS --max-time 30 "http://127.0.0.1:$1/" --data-binary "$2"
}

write_config 1 $HTTP1 $TCP1 $INTER1
write_config 2 $HTTP2 $TCP2 $INTER2
start_server 1 $HTTP1
start_server 2 $HTTP2

failures=0
check() { # description, command...
    local what=$1
    shift
    if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}

# Schema on both shards: the local tables hold the rows, the Distributed tables route them.
for db in sipdx sipdx_fault; do
    "$SIPDX" ch-schema --database $db --cluster sipdx_two >"$WORK/schema_$db.sql"
    for port in $TCP1 $TCP2; do
        "$CLIENT" --port $port --multiquery <"$WORK/schema_$db.sql"
    done
done
URL="http://127.0.0.1:$HTTP1/?database=sipdx"

# 1. Ingest the corpus into ClickHouse and SQLite in one pass.
set +e
"$SIPDX" ingest "$CORPUS" --db "$WORK/t.db" --clickhouse "$URL" --batch-rows 100 -q 2>"$WORK/ingest.err"
rc=$?
set -e
check "ingest exits 0 or 1 (the corpus has non-capture files), got $rc" test $rc -le 1
check "no batch failed" bash -c "! grep -q 'not written' '$WORK/ingest.err'"

"$SIPDX" query --db "$WORK/t.db" --summary --format tsv >"$WORK/summary_sqlite.tsv"
"$SIPDX" query --clickhouse "$URL" --summary --format tsv >"$WORK/summary_ch.tsv"
check "summary: ClickHouse equals SQLite" diff "$WORK/summary_sqlite.tsv" "$WORK/summary_ch.tsv"
check "summary is not empty" test "$(wc -l <"$WORK/summary_ch.tsv")" -gt 5

"$SIPDX" query --db "$WORK/t.db" --class 4 --summary --format tsv >"$WORK/f_sqlite.tsv"
"$SIPDX" query --clickhouse "$URL" --class 4 --summary --format tsv >"$WORK/f_ch.tsv"
check "filtered summary (--class 4): ClickHouse equals SQLite" diff "$WORK/f_sqlite.tsv" "$WORK/f_ch.tsv"
"$SIPDX" query --db "$WORK/t.db" --code 200 --since 2010-01-01 --format tsv | cut -f2,7,12 | sort >"$WORK/c_sqlite.tsv"
"$SIPDX" query --clickhouse "$URL" --code 200 --since 2010-01-01 --format tsv | cut -f2,7,12 | sort >"$WORK/c_ch.tsv"
check "calls (--code 200 --since 2010-01-01): ClickHouse equals SQLite" diff "$WORK/c_sqlite.tsv" "$WORK/c_ch.tsv"
# Every filter of `sipdx calls` selects the same calls in both stores (one filter type).
for filter in "--kind registration" "--kind call,options" "--method INVITE" "--method REGISTER,OPTIONS" \
    "--outcome failed,cancelled" "--class 2" "--from sip: --to @" "--kind call --method INVITE --class 2"; do
    # shellcheck disable=SC2086 # the filter is several words
    "$SIPDX" query --db "$WORK/t.db" $filter --format tsv | cut -f2,3,4,7,12 | sort >"$WORK/k_sqlite.tsv"
    # shellcheck disable=SC2086
    "$SIPDX" query --clickhouse "$URL" $filter --format tsv | cut -f2,3,4,7,12 | sort >"$WORK/k_ch.tsv"
    check "calls ($filter): ClickHouse equals SQLite, $(($(wc -l <"$WORK/k_ch.tsv") - 1)) rows" \
        diff "$WORK/k_sqlite.tsv" "$WORK/k_ch.tsv"
    check "calls ($filter) selects some" test "$(wc -l <"$WORK/k_ch.tsv")" -gt 1
done
check "--kind registration selects only registrations" \
    bash -c "'$SIPDX' query --clickhouse '$URL' --kind registration --format tsv | tail -n +2 | cut -f3 | sort -u | grep -qx registration"
# Free SQL runs with the limits as query settings: a query past max_execution_time is refused.
set +e
"$SIPDX" query --clickhouse "$URL" --sql-time-limit 1 --sql "SELECT count() FROM system.numbers WHERE NOT ignore(sipHash64(number))" \
    >/dev/null 2>"$WORK/sql_time.err"
rc=$?
set -e
check "--sql past its time limit exits 2, got $rc" test $rc -eq 2
check "--sql past its time limit says so" grep -q "159\|TIMEOUT\|imeout" "$WORK/sql_time.err"
check "--sql still works within the limits" test "$("$SIPDX" query --clickhouse "$URL" --sql "SELECT 1 AS one" --format tsv | tail -1)" = 1

# Per capture, against sipdx analyze.
analyze_codes() {
    "$SIPDX" analyze --json "$1" 2>/dev/null | python3 -c 'import json,sys
for r in json.load(sys.stdin)["responses"]: print(r["code"], r["messages"], r["final_transactions"], r["final_calls"])'
}
ch_codes() {
    "$SIPDX" query --clickhouse "$URL" --capture "$1" --summary --format ndjson | python3 -c 'import json,sys
for r in map(json.loads, sys.stdin): print(r["code"], r["messages"], r["final_transactions"], r["final_calls"])'
}
n=0
for f in "$CORPUS"/*.pcap "$CORPUS"/*.pcapng; do
    [ -f "$f" ] || continue
    check "analyze equals ClickHouse summary: $(basename "$f")" diff <(analyze_codes "$f") <(ch_codes "$f")
    n=$((n + 1))
done
check "compared $n captures with analyze" test $n -ge 10

s1=$(chq $HTTP1 "SELECT count() FROM sipdx.messages_local")
s2=$(chq $HTTP2 "SELECT count() FROM sipdx.messages_local")
total=$(chq $HTTP1 "SELECT count() FROM sipdx.messages")
sqlite_total=$("$SIPDX" query --db "$WORK/t.db" --sql "SELECT count(*) FROM messages" --format tsv | tail -1)
echo "messages: shard1 $s1, shard2 $s2, distributed $total, sqlite $sqlite_total"
check "rows on both shards" test "$s1" -gt 0 -a "$s2" -gt 0
check "one ingests marker per stored capture" \
    test "$(chq $HTTP1 "SELECT count() = uniqExact(capture_sha256) AND count() = (SELECT count() FROM sipdx.captures) FROM sipdx.ingests")" -eq 1
check "ClickHouse holds as many messages as SQLite" test "$total" -eq "$sqlite_total"

# The version 2 message columns: filled on every row, equal to SQLite's.
for col in "count() - countIf(encap != '')" "sum(file_offset)" "sum(interface_id)" \
    "countIf(decode_findings != '')" "countIf(sip_findings != '')"; do
    ch=$(chq $HTTP1 "SELECT $col FROM sipdx.messages")
    sq=$("$SIPDX" query --db "$WORK/t.db" --format tsv --sql \
        "SELECT $(echo "$col" | sed -e 's/count()/count(*)/g' -e "s/countIf(\(.*\))/sum(\1)/") FROM messages" | tail -1)
    check "messages: $col is $ch in ClickHouse, $sq in SQLite" test "$ch" = "$sq"
done
check "some messages carry decode findings" test "$(chq $HTTP1 "SELECT countIf(decode_findings != '') FROM sipdx.messages")" -gt 0

# 2. Idempotent: a second ingest writes nothing.
"$SIPDX" ingest "$CORPUS" --db "$WORK/t.db" --clickhouse "$URL" --batch-rows 100 -q 2>/dev/null || true
check "second ingest adds no rows" test "$(chq $HTTP1 "SELECT count() FROM sipdx.messages")" -eq "$total"

# 3. A deployment made by the first schema (messages without the version 2 columns): ingest
# refuses it with the way out, `ch-schema --upgrade-from 1` adds the columns, ingest writes them.
V1_COLUMNS="capture_sha256 String, seq UInt64, frame UInt64, time DateTime, time_ns Int64,
    src String, sport UInt16, dst String, dport UInt16, transport String, kind String,
    method String, status UInt16, reason String, call_id String, cseq_seq UInt32,
    cseq_method String, from_tag String, to_tag String, branch String, length UInt32,
    retransmission UInt8, duplicate UInt8"
for port in $TCP1 $TCP2; do
    "$CLIENT" --port $port --multiquery <<SQL
CREATE DATABASE IF NOT EXISTS sipdx_old;
CREATE TABLE sipdx_old.messages_local ($V1_COLUMNS) ENGINE = MergeTree
    PARTITION BY toDate(time) ORDER BY (capture_sha256, call_id, time_ns, seq);
CREATE TABLE sipdx_old.messages ($V1_COLUMNS)
    ENGINE = Distributed(sipdx_two, sipdx_old, messages_local, cityHash64(capture_sha256));
SQL
    # The other tables as the current schema makes them (CREATE ... IF NOT EXISTS).
    "$SIPDX" ch-schema --database sipdx_old --cluster sipdx_two | "$CLIENT" --port $port --multiquery
done
OLD_URL="http://127.0.0.1:$HTTP1/?database=sipdx_old"
one=$CORPUS/sip-tcp-port6060-segmented-ims-calls.pcap
set +e
"$SIPDX" ingest "$one" --clickhouse "$OLD_URL" -q 2>"$WORK/old.err"
rc=$?
set -e
check "ingest into version 1 tables exits 2 (got $rc)" test $rc -eq 2
check "... naming the missing columns and the upgrade" grep -q "lacks column(s) file_offset.*--upgrade-from 1" "$WORK/old.err"
check "... and writes nothing" test "$(chq $HTTP1 "SELECT count() FROM sipdx_old.messages")" -eq 0
for port in $TCP1 $TCP2; do
    "$SIPDX" ch-schema --database sipdx_old --cluster sipdx_two --upgrade-from 1 | "$CLIENT" --port $port --multiquery
done
for table in messages messages_local; do
    check "sipdx_old.$table has the version 2 columns after the upgrade" \
        test "$(chq $HTTP1 "SELECT count() FROM system.columns WHERE database = 'sipdx_old' AND table = '$table' AND name IN ('file_offset', 'interface_id', 'encap', 'decode_findings', 'sip_findings')")" -eq 5
done
set +e
"$SIPDX" ingest "$one" --clickhouse "$OLD_URL" -q 2>"$WORK/old.err"
rc=$?
set -e
check "ingest into the upgraded tables exits 0 (got $rc: $(head -1 "$WORK/old.err"))" test $rc -eq 0
check "upgraded tables: every message has its encapsulation" \
    test "$(chq $HTTP1 "SELECT countIf(encap != '') FROM sipdx_old.messages")" -eq 406

# 4. The entry server dies mid-ingest: bounded retries, exit 1 naming the batches, rerun completes.
FAULT_URL="http://127.0.0.1:$HTTP1/?database=sipdx_fault"
# The capture with the most SIP messages, so that it takes many batches.
big=$("$SIPDX" query --db "$WORK/t.db" --sql "SELECT name FROM captures ORDER BY sip_messages DESC LIMIT 1" --format tsv | tail -1)
marker=$WORK/paused
set +e
SIPDX_STORE_TEST_PAUSE="2:4000:$marker" "$SIPDX" ingest "$big" --clickhouse "$FAULT_URL" \
    --batch-rows 20 --retries 2 -q 2>"$WORK/fault.err" &
ingest_pid=$!
for _ in $(seq 1 200); do [ -f "$marker" ] && break; sleep 0.05; done
check "ingest paused after 2 batches" test -f "$marker"
stop_server 1
wait $ingest_pid
rc=$?
set -e
cat "$WORK/fault.err"
check "ingest with the server down exits 1 (got $rc)" test $rc -eq 1
check "the error names the batches not written" grep -qE '[0-9]+ batch(es were| was) not written' "$WORK/fault.err"
check "bounded: the failed ingest took its retries, not forever" test "$(grep -c . "$WORK/fault.err")" -le 5
start_server 1 $HTTP1
check "capture not visible after the failed ingest" \
    test "$(chq $HTTP1 "SELECT count() FROM sipdx_fault.captures")" -eq 0
set +e
"$SIPDX" ingest "$big" --clickhouse "$FAULT_URL" --batch-rows 20 --retries 2 -q 2>"$WORK/rerun.err"
rc=$?
set -e
check "rerun exits 0 (got $rc)" test $rc -eq 0
want=$("$SIPDX" query --db "$WORK/t.db" --sql "SELECT count(*) FROM messages m JOIN captures c ON c.id = m.capture_id WHERE c.name = '$big'" --format tsv | tail -1)
got=$(chq $HTTP1 "SELECT count() FROM sipdx_fault.messages")
check "rerun completed without duplicates ($got messages, SQLite $want)" test "$got" -eq "$want"
got_calls=$(chq $HTTP1 "SELECT count() FROM sipdx_fault.calls")
dup=$(chq $HTTP1 "SELECT count() - uniqExact(capture_sha256, seq) FROM sipdx_fault.calls")
check "no duplicate call rows ($got_calls calls)" test "$dup" -eq 0

# 5. --message-rows failed / none: calls and counts stored whole, fewer message rows; the
# summary still equals the all-rows one. A version 2 deployment (captures without
# message_rows, no code_counts) is refused until `ch-schema --upgrade-from 2`.
for policy in failed none; do
    db=sipdx_$policy
    "$SIPDX" ch-schema --database $db --cluster sipdx_two >"$WORK/schema_$db.sql"
    for port in $TCP1 $TCP2; do
        "$CLIENT" --port $port --multiquery <"$WORK/schema_$db.sql"
    done
    PURL="http://127.0.0.1:$HTTP1/?database=$db"
    set +e
    "$SIPDX" ingest "$CORPUS" --db "$WORK/$policy.db" --clickhouse "$PURL" --batch-rows 100 \
        --message-rows $policy -q 2>"$WORK/$policy.err"
    rc=$?
    set -e
    check "ingest --message-rows $policy exits 0 or 1 (got $rc)" test $rc -le 1
    "$SIPDX" query --clickhouse "$PURL" --summary --format tsv >"$WORK/summary_$policy.tsv"
    check "--message-rows $policy: ClickHouse summary equals the all-rows summary" \
        diff "$WORK/summary_sqlite.tsv" "$WORK/summary_$policy.tsv"
    want=$("$SIPDX" query --db "$WORK/$policy.db" --sql "SELECT count(*) FROM messages" --format tsv | tail -1)
    got=$(chq $HTTP1 "SELECT count() FROM $db.messages")
    check "--message-rows $policy: as many message rows as SQLite ($got, $want)" test "$got" -eq "$want"
    check "--message-rows $policy: every captures row says so" \
        test "$(chq $HTTP1 "SELECT countIf(message_rows = '$policy') = count() AND count() > 0 FROM $db.captures")" -eq 1
    "$SIPDX" query --clickhouse "$PURL" --class 4 --summary --format tsv >/dev/null 2>"$WORK/note_$policy.err"
    check "--message-rows $policy: a filtered summary notes the kept rows" \
        grep -q -- "--message-rows failed or none" "$WORK/note_$policy.err"
done
"$SIPDX" query --clickhouse "$URL" --class 4 --summary --format tsv >/dev/null 2>"$WORK/note_all.err"
check "all rows: no note on a filtered summary" test ! -s "$WORK/note_all.err"
check "failed keeps some message rows" test "$(chq $HTTP1 "SELECT count() FROM sipdx_failed.messages")" -gt 0
check "failed keeps fewer than all" \
    test "$(chq $HTTP1 "SELECT count() FROM sipdx_failed.messages")" -lt "$(chq $HTTP1 "SELECT count() FROM sipdx.messages")"
check "none keeps no message rows" test "$(chq $HTTP1 "SELECT count() FROM sipdx_none.messages")" -eq 0

for port in $TCP1 $TCP2; do
    "$SIPDX" ch-schema --database sipdx_v2 --cluster sipdx_two | "$CLIENT" --port $port --multiquery
    "$CLIENT" --port $port --multiquery <<SQL
DROP TABLE sipdx_v2.code_counts;
DROP TABLE sipdx_v2.code_counts_local;
DROP TABLE sipdx_v2.ingests;
DROP TABLE sipdx_v2.ingests_local;
ALTER TABLE sipdx_v2.captures DROP COLUMN message_rows;
ALTER TABLE sipdx_v2.captures_local DROP COLUMN message_rows;
SQL
done
V2_URL="http://127.0.0.1:$HTTP1/?database=sipdx_v2"
set +e
"$SIPDX" ingest "$one" --clickhouse "$V2_URL" -q 2>"$WORK/v2.err"
rc=$?
set -e
check "ingest into version 2 tables exits 2 (got $rc)" test $rc -eq 2
check "... naming the upgrade" grep -q -- "--upgrade-from 2" "$WORK/v2.err"
for port in $TCP1 $TCP2; do
    "$SIPDX" ch-schema --database sipdx_v2 --cluster sipdx_two --upgrade-from 2 | "$CLIENT" --port $port --multiquery
done
set +e
"$SIPDX" ingest "$one" --clickhouse "$V2_URL" --message-rows none -q 2>"$WORK/v2.err"
rc=$?
set -e
check "ingest into the version 3 upgrade exits 0 (got $rc: $(head -1 "$WORK/v2.err"))" test $rc -eq 0
check "... and says how to add the version 4 ingests table" grep -q -- "--upgrade-from 3" "$WORK/v2.err"
"$SIPDX" query --clickhouse "$V2_URL" --summary --format tsv >"$WORK/v2_ch.tsv"
"$SIPDX" query --db "$WORK/t.db" --capture "$one" --summary --format tsv >"$WORK/v2_sqlite.tsv"
check "upgraded tables: the summary equals SQLite's for that capture" diff "$WORK/v2_sqlite.tsv" "$WORK/v2_ch.tsv"
for port in $TCP1 $TCP2; do
    "$SIPDX" ch-schema --database sipdx_v2 --cluster sipdx_two --upgrade-from 3 | "$CLIENT" --port $port --multiquery
done
two=$CORPUS/sip-udp-options-200.pcap
set +e
"$SIPDX" ingest "$two" --clickhouse "$V2_URL" -q 2>"$WORK/v3.err"
rc=$?
set -e
check "ingest into the version 4 upgrade exits 0 without a note (got $rc: $(head -1 "$WORK/v3.err"))" \
    test $rc -eq 0 -a ! -s "$WORK/v3.err"
check "... and marks the capture it began" test "$(chq $HTTP1 "SELECT count() FROM sipdx_v2.ingests")" -eq 1

# 6. Answers lost after the write (lossy_proxy.py relays to server 1 and drops the answer to
# the first INSERT of messages, code_counts and captures): the retries find the rows written
# and add no second copy.
for port in $TCP1 $TCP2; do
    "$SIPDX" ch-schema --database sipdx_lossy --cluster sipdx_two | "$CLIENT" --port $port --multiquery
done
python3 "$(dirname "$0")/lossy_proxy.py" "$WORK/proxy.port" $HTTP1 "INSERT INTO messages" \
    "INSERT INTO code_counts" "INSERT INTO captures" 2>"$WORK/proxy.err" &
PROXY_PID=$!
for _ in $(seq 1 100); do [ -s "$WORK/proxy.port" ] && break; sleep 0.05; done
LOSSY_URL="http://127.0.0.1:$(cat "$WORK/proxy.port")/?database=sipdx_lossy"
set +e
"$SIPDX" ingest "$one" --clickhouse "$LOSSY_URL" --batch-rows 50 --retries 3 -q 2>"$WORK/lossy.err"
rc=$?
set -e
kill "$PROXY_PID" 2>/dev/null || true
wait "$PROXY_PID" 2>/dev/null || true
PROXY_PID=
cat "$WORK/proxy.err"
check "lost answers: three answers were lost" test "$(grep -c 'lost the answer' "$WORK/proxy.err")" -eq 3
check "lost answers: ingest exits 0 (got $rc: $(head -1 "$WORK/lossy.err"))" test $rc -eq 0
check "lost answers: one captures row" test "$(chq $HTTP1 "SELECT count() FROM sipdx_lossy.captures")" -eq 1
check "lost answers: no duplicate code_counts rows" \
    test "$(chq $HTTP1 "SELECT count() - uniqExact(capture_sha256, code) FROM sipdx_lossy.code_counts")" -eq 0
check "lost answers: no duplicate message rows" \
    test "$(chq $HTTP1 "SELECT count() - uniqExact(capture_sha256, seq) FROM sipdx_lossy.messages")" -eq 0
want=$("$SIPDX" query --db "$WORK/t.db" --sql "SELECT count(*) FROM messages m JOIN captures c ON c.id = m.capture_id WHERE c.name = '$one'" --format tsv | tail -1)
check "lost answers: every message row once ($want)" \
    test "$(chq $HTTP1 "SELECT count() FROM sipdx_lossy.messages")" -eq "$want"
"$SIPDX" query --clickhouse "http://127.0.0.1:$HTTP1/?database=sipdx_lossy" --summary --format tsv >"$WORK/lossy_ch.tsv"
check "lost answers: the summary equals SQLite's for that capture" diff "$WORK/v2_sqlite.tsv" "$WORK/lossy_ch.tsv"

# 7. Sessions (ingest --sessions) and RTP streams (ingest --media): the same rows as SQLite, on
# the shards of their captures; a rerun adds none; tables made by schema 5 are refused for
# --sessions until `ch-schema --upgrade-from 5`.
for port in $TCP1 $TCP2; do
    "$SIPDX" ch-schema --database sipdx_sm --cluster sipdx_two | "$CLIENT" --port $port --multiquery
done
SM_URL="http://127.0.0.1:$HTTP1/?database=sipdx_sm"
SM_CAPTURES=("$CORPUS/sip-gre-teb-mirror-subscribe-notify-refer.pcapng"
    "$CORPUS/sip-esp-null-gtpu-volte-nanosec.pcapng" "$CORPUS/sip-sctp-sll-invite-403-pcv.pcap"
    "$CORPUS/sip-udp-register-call-rtp-rtcp.pcap" "$one")
set +e
"$SIPDX" ingest "${SM_CAPTURES[@]}" --db "$WORK/sm.db" --clickhouse "$SM_URL" --sessions --media \
    --batch-rows 100 2>"$WORK/sm.err"
rc=$?
set -e
check "ingest --sessions --media exits 0 (got $rc: $(grep sipdx: "$WORK/sm.err" | head -1))" test $rc -eq 0
sq() { "$SIPDX" query --db "$WORK/sm.db" --format tsv --sql "$1" | tail -n +2 | sort; }
# ClickHouse's TabSeparated output escapes a single quote as \' (its input takes it either way).
ch_rows() { chq $HTTP1 "$1 FORMAT TabSeparated" | sed "s/\\\\'/'/g" | sort; }
sq "SELECT c.sha256, s.name, s.key, s.start_ns, s.legs, s.outcome, coalesce(s.final_code, 0), s.strength, s.failed_leg, s.origin_role, s.verdict FROM sessions s JOIN captures c ON c.id = s.capture_id" >"$WORK/sessions_sqlite.tsv"
ch_rows "SELECT capture_sha256, session, key, start_ns, legs, outcome, final_code, strength, failed_leg, origin_role, verdict FROM sipdx_sm.sessions" >"$WORK/sessions_ch.tsv"
check "sessions: ClickHouse equals SQLite ($(wc -l <"$WORK/sessions_ch.tsv") rows)" diff "$WORK/sessions_sqlite.tsv" "$WORK/sessions_ch.tsv"
check "sessions: at least 10 rows, one of three legs" \
    test "$(wc -l <"$WORK/sessions_ch.tsv")" -ge 10 -a "$(chq $HTTP1 "SELECT max(legs) FROM sipdx_sm.sessions")" -eq 3
sq "SELECT c.sha256, s.name, l.leg, l.call_id, l.start_ns, l.outcome, coalesce(l.final_code, 0), l.caller_node, l.caller_role, l.callee_node, l.callee_role, l.failed_by FROM session_legs l JOIN sessions s ON s.id = l.session_id JOIN captures c ON c.id = s.capture_id" >"$WORK/legs_sqlite.tsv"
ch_rows "SELECT capture_sha256, session, leg, call_id, start_ns, outcome, final_code, caller_node, caller_role, callee_node, callee_role, failed_by FROM sipdx_sm.session_legs" >"$WORK/legs_ch.tsv"
check "session_legs: ClickHouse equals SQLite ($(wc -l <"$WORK/legs_ch.tsv") rows)" diff "$WORK/legs_sqlite.tsv" "$WORK/legs_ch.tsv"
sq "SELECT c.sha256, s.name, k.seq, k.a, k.b, k.kind, k.strength, k.evidence FROM session_links k JOIN sessions s ON s.id = k.session_id JOIN captures c ON c.id = s.capture_id" >"$WORK/links_sqlite.tsv"
ch_rows "SELECT capture_sha256, session, seq, a, b, kind, strength, evidence FROM sipdx_sm.session_links" >"$WORK/links_ch.tsv"
check "session_links: ClickHouse equals SQLite ($(wc -l <"$WORK/links_ch.tsv") rows)" \
    test "$(wc -l <"$WORK/links_ch.tsv")" -ge 2 -a -z "$(diff "$WORK/links_sqlite.tsv" "$WORK/links_ch.tsv")"
sq "SELECT c.sha256, s.name, n.seq, n.node, n.role, n.confidence, n.evidence, n.product FROM session_nodes n JOIN sessions s ON s.id = n.session_id JOIN captures c ON c.id = s.capture_id" >"$WORK/nodes_sqlite.tsv"
ch_rows "SELECT capture_sha256, session, seq, node, role, confidence, evidence, product FROM sipdx_sm.session_nodes" >"$WORK/nodes_ch.tsv"
check "session_nodes: ClickHouse equals SQLite ($(wc -l <"$WORK/nodes_ch.tsv") rows)" diff "$WORK/nodes_sqlite.tsv" "$WORK/nodes_ch.tsv"
sq "SELECT c.sha256, m.call_id, m.ssrc, m.src, m.dst, m.from_party, m.matched_by, m.payload_type, m.codec, m.start_ns, m.end_ns, m.packets, m.expected, m.lost, m.duplicates, m.out_of_order, m.loss_bursts, CAST(round(m.max_jitter_ms * 1000) AS INTEGER), CAST(round(m.mean_jitter_ms * 1000) AS INTEGER), CAST(round(m.max_delta_ms * 1000) AS INTEGER), CAST(round(coalesce(m.mos, 0) * 1000) AS INTEGER), m.mos_model, m.findings FROM media_streams m JOIN captures c ON c.id = m.capture_id" >"$WORK/media_sqlite.tsv"
ch_rows "SELECT capture_sha256, call_id, ssrc, src, dst, from_party, matched_by, payload_type, codec, start_ns, end_ns, packets, expected, lost, duplicates, out_of_order, loss_bursts, toInt64(round(max_jitter_ms * 1000)), toInt64(round(mean_jitter_ms * 1000)), toInt64(round(max_delta_ms * 1000)), toInt64(round(ifNull(mos, 0) * 1000)), mos_model, findings FROM sipdx_sm.media_streams" >"$WORK/media_ch.tsv"
check "media_streams: ClickHouse equals SQLite ($(wc -l <"$WORK/media_ch.tsv") rows)" \
    test "$(wc -l <"$WORK/media_ch.tsv")" -ge 2 -a -z "$(diff "$WORK/media_sqlite.tsv" "$WORK/media_ch.tsv")"
diff "$WORK/media_sqlite.tsv" "$WORK/media_ch.tsv" | head -5 || true
m1=$(chq $HTTP1 "SELECT count() FROM sipdx_sm.media_streams_local")
m2=$(chq $HTTP2 "SELECT count() FROM sipdx_sm.media_streams_local")
check "media_streams: on the shard of their capture ($m1 + $m2)" \
    test "$(chq $HTTP1 "SELECT count() FROM sipdx_sm.media_streams")" -eq $((m1 + m2))
"$SIPDX" ingest "${SM_CAPTURES[@]}" --clickhouse "$SM_URL" --sessions --media -q 2>/dev/null || true
check "a second ingest --sessions --media adds no rows" \
    test "$(chq $HTTP1 "SELECT (SELECT count() FROM sipdx_sm.media_streams) * 1000 + (SELECT count() FROM sipdx_sm.sessions)")" \
    -eq $(($(wc -l <"$WORK/media_ch.tsv") * 1000 + $(wc -l <"$WORK/sessions_ch.tsv")))
for port in $TCP1 $TCP2; do
    "$SIPDX" ch-schema --database sipdx_v5 --cluster sipdx_two | "$CLIENT" --port $port --multiquery
    for t in sessions session_legs session_links session_nodes; do
        "$CLIENT" --port $port --multiquery <<<"DROP TABLE sipdx_v5.$t; DROP TABLE sipdx_v5.${t}_local;"
    done
done
V5_URL="http://127.0.0.1:$HTTP1/?database=sipdx_v5"
set +e
"$SIPDX" ingest "$one" --clickhouse "$V5_URL" --sessions -q 2>"$WORK/v5.err"
rc=$?
set -e
check "ingest --sessions into schema 5 tables exits 2 naming the upgrade (got $rc)" \
    bash -c "test $rc -eq 2 && grep -q -- '--upgrade-from 5' '$WORK/v5.err'"
for port in $TCP1 $TCP2; do
    "$SIPDX" ch-schema --database sipdx_v5 --cluster sipdx_two --upgrade-from 5 | "$CLIENT" --port $port --multiquery
done
set +e
"$SIPDX" ingest "$one" --clickhouse "$V5_URL" --sessions -q 2>"$WORK/v5.err"
rc=$?
set -e
check "... and after --upgrade-from 5 writes the sessions (got $rc)" \
    test $rc -eq 0 -a "$(chq $HTTP1 "SELECT count() FROM sipdx_v5.sessions")" -gt 0

if [ $failures -ne 0 ]; then
    echo "clickhouse: $failures check(s) failed"
    exit 1
fi
echo "clickhouse: all checks passed"
