#!/usr/bin/env bash
# Plays the labelled SIPp scenarios of tests/scenarios/sipp/ on loopback and captures them with
# tcpdump into one pcap. Each scenario's Call-IDs start with its label, so a test can check
# what sipdx says about each one (tests/scenarios/test_scenarios.cpp), and the same capture
# is the bundled sample (tests/data/sample/README.md).
#
#   run_scenarios.sh OUT.pcap [LABEL...]   (all scenarios when no label is given)
#
# Needs root (tcpdump on lo), sipp and tcpdump. Loopback only; every process is bounded by
# `timeout`. Exit status: 0 when every scenario's SIPp runs exited 0, 1 otherwise, 77 when the
# tools or privileges are missing (the test skips on 77).
set -u
out=${1:?usage: run_scenarios.sh OUT.pcap [LABEL...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
for tool in sipp tcpdump timeout; do
    command -v "$tool" >/dev/null 2>&1 || { echo "skip: $tool not installed" >&2; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "skip: tcpdump on lo needs root" >&2; exit 77; }

work=$(mktemp -d /tmp/sipdx-scenarios.XXXXXX)
trap 'rm -rf "$work"' EXIT
base_port=25060
status=0

# fill TEMPLATE OUT KEY=VALUE...: copies a scenario template with its @KEY@ placeholders set.
fill() {
    local template=$1 dest=$2
    shift 2
    cp "$here/sipp/$template.xml" "$dest"
    local kv key value
    for kv in "$@"; do
        key=${kv%%=*}
        value=${kv#*=}
        value=${value//\\/\\\\}
        value=${value//|/\\|}
        value=${value//&/\\&}
        sed -i "s|@$key@|$value|g" "$dest"
    done
}

# play INDEX LABEL TRANSPORT(u1|t1) FAMILY(4|6) UAC UAS(or -) KEY=VALUE...
play() {
    local index=$1 label=$2 transport=$3 family=$4 uac=$5 uas=$6
    shift 6
    local ip=127.0.0.1 remote
    [ "$family" = 6 ] && ip=::1
    local port=$((base_port + 2 * index))
    if [ "$family" = 6 ]; then remote="[$ip]:$port"; else remote="$ip:$port"; fi
    # The first value given for a key wins, so the scenario's own keys come before defaults.
    local keys=("$@" LABEL="$label" USER=callee PRODUCT=1.0 RING_MS=0 ANSWER_MS=0 HOLD_MS=0
                EXTRA="X-Sipdx-Scenario: $label")
    fill "$uac" "$work/$label.uac.xml" "${keys[@]}"
    local uas_pid=""
    if [ "$uas" != - ]; then
        fill "$uas" "$work/$label.uas.xml" "${keys[@]}"
        timeout 20 sipp -sf "$work/$label.uas.xml" -i "$ip" -p "$port" -t "$transport" -m 1 \
            -nostdin -timeout 15s >"$work/$label.uas.log" 2>&1 &
        uas_pid=$!
        sleep 0.3
    fi
    timeout 20 sipp -sf "$work/$label.uac.xml" "$remote" -i "$ip" -p $((port + 1)) \
        -cid_str "${cid_label:-$label}-%u@sipdx.test" -t "$transport" -m 1 -nostdin -timeout 15s \
        >"$work/$label.uac.log" 2>&1 ||
        # SIPp counts the unanswered call's receive timeout as a failed call: that is the point.
        [ "$label" = noanswer ] || { echo "scenario $label: UAC failed" >&2; status=1; }
    if [ -n "$uas_pid" ]; then
        wait "$uas_pid" || { echo "scenario $label: UAS failed" >&2; status=1; }
    fi
}

want() { # is this label selected?
    [ ${#selected[@]} = 0 ] && return 0
    local s
    for s in "${selected[@]}"; do [ "$s" = "$1" ] && return 0; done
    return 1
}
selected=("$@")
# Diagnosis scenarios (issue 17): played only when named, so the default run (the bundled
# sample) stays as it is.
named() {
    [ ${#selected[@]} = 0 ] && return 1
    local s
    for s in "${selected[@]}"; do [ "$s" = "$1" ] && return 0; done
    return 1
}

tcpdump -i lo -U --immediate-mode -n -s 0 -w "$out" "portrange $base_port-$((base_port + 99))" \
    >"$work/tcpdump.log" 2>&1 &
dump_pid=$!
for _ in $(seq 1 50); do
    grep -q "listening on" "$work/tcpdump.log" 2>/dev/null && break
    sleep 0.1
done

want answered && play 0 answered u1 4 uac_call uas_answer RING_MS=200 ANSWER_MS=300 HOLD_MS=1000
want busy && play 1 busy u1 4 uac_reject uas_reject CODE=486 PHRASE="Busy Here" \
    PRODUCT=busybox-2 EXTRA='Reason: Q.850;cause=17;text="User busy"'
want notfound && play 2 notfound u1 4 uac_reject uas_reject CODE=404 PHRASE="Not Found"
want unavailable && play 3 unavailable u1 4 uac_reject uas_reject CODE=503 \
    PHRASE="Service Unavailable" EXTRA="Retry-After: 30"
want declined && play 4 declined u1 4 uac_reject uas_reject CODE=603 PHRASE="Decline"
want noreply && play 5 noreply u1 4 uac_reject uas_reject CODE=480 \
    PHRASE="Temporarily Unavailable" EXTRA='Warning: 399 callee.sipdx.test "user not registered"'
want redirected && play 6 redirected u1 4 uac_reject uas_reject CODE=302 \
    PHRASE="Moved Temporarily"
want cancelled && play 7 cancelled u1 4 uac_cancel uas_cancel HOLD_MS=500
want noanswer && play 8 noanswer u1 4 uac_noanswer - HOLD_MS=2500
want register && play 9 register u1 4 uac_register uas_register
want deregister && play 10 deregister u1 4 uac_request uas_request METHOD=REGISTER CODE=200 \
    PHRASE=OK EXTRA="Expires: 0"
want options && play 11 options u1 4 uac_request uas_request METHOD=OPTIONS CODE=200 PHRASE=OK
want message && play 12 message u1 4 uac_request uas_request METHOD=MESSAGE CODE=200 PHRASE=OK
want subscribe && play 13 subscribe u1 4 uac_subscribe uas_subscribe
want prack && play 14 prack u1 4 uac_prack uas_prack RING_MS=100 ANSWER_MS=200 HOLD_MS=200
want reinvite && play 15 reinvite u1 4 uac_reinvite uas_reinvite HOLD_MS=200
want tcp && play 16 tcp t1 4 uac_call uas_answer RING_MS=100 ANSWER_MS=100 HOLD_MS=300
want ipv6 && play 17 ipv6 u1 6 uac_call uas_answer RING_MS=100 ANSWER_MS=100 HOLD_MS=300

named earlybye && play 20 earlybye u1 4 uac_earlybye uas_earlybye HOLD_MS=300
named bye487 && play 21 bye487 u1 4 uac_bye487 uas_bye487 HOLD_MS=300
named cancelunanswered && play 22 cancelunanswered u1 4 uac_cancelunanswered \
    uas_cancelunanswered HOLD_MS=200 ANSWER_MS=2200
named wrongpass && play 23 wrongpass u1 4 uac_wrongpass uas_wrongpass
named forked && play 24 forked u1 4 uac_forked uas_forked RING_MS=100 ANSWER_MS=200 HOLD_MS=200
# A B2BUA that keeps the Call-ID: two legs on their own ports (and Via branches), each with its
# own To tag, sharing the Call-ID b2bua-1@sipdx.test.
if named b2bua; then
    cid_label=b2bua play 25 b2bua.a u1 4 uac_call uas_answer RING_MS=100 ANSWER_MS=100 HOLD_MS=300
    cid_label=b2bua play 26 b2bua.b u1 4 uac_call uas_answer RING_MS=100 ANSWER_MS=100 HOLD_MS=300
fi

sleep 1 # let the last packets reach the capture before it stops
kill -INT "$dump_pid" 2>/dev/null
wait "$dump_pid" 2>/dev/null
if [ "$status" != 0 ]; then
    for log in "$work"/*.log; do echo "== $log" >&2; tail -5 "$log" >&2; done
fi
exit "$status"
