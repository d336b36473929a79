#!/usr/bin/env python3
"""Extracts real-world SIP messages from the shared capture corpus (../../../../shared/corpus)
into <capture>-<frame>.sip files, with a MANIFEST.tsv row each (source, frame, licence).
Uses tshark's JSON output with -x (the sip_raw bytes); run from this folder."""
import csv, json, os, subprocess, sys

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../../shared/corpus')
PICKS = {  # capture: how many messages to take
    'sip-gtpu-ipv6-volte-iphone-ims-aka.pcap': 8,
    'sip-sctp-sll-invite-403-pcv.pcap': 4,
    'sip-udp-compact-headers.pcap': 1,
    'sip-udp-multi-value-header.pcap': 1,
    'sip-udp-ipv4-fragmented-sip-i-isup.pcap': 2,
    'sip-udp-ipv6-fragments-sll-prack-update.pcap': 8,
    'sip-esp-null-gtpu-volte-nanosec.pcapng': 8,
    'sip-udp-wireshark-sample-register-invite-cancel.pcap': 6,
    'sip-rawip-tcp-volte-register-invite.pcap': 4,
    'sip-udp-invalid-content-length.pcap': 2,
    'sip-websocket-and-udp-calls.pcap': 4,
    'sip-gre-teb-mirror-subscribe-notify-refer.pcapng': 4,
}

def raws(obj):
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == 'sip_raw':
                yield v
            else:
                yield from raws(v)
    elif isinstance(obj, list):
        for x in obj:
            yield from raws(x)

def main():
    licences = {}
    with open(os.path.join(CORPUS, 'MANIFEST.tsv')) as f:
        for row in csv.DictReader(f, delimiter='\t'):
            licences[row['file']] = (row['license'], row['source_repo'])
    rows = []
    seen = set()
    for cap, limit in PICKS.items():
        out = subprocess.run(['tshark', '-r', os.path.join(CORPUS, cap), '-Y', 'sip', '-T', 'json', '-x'],
                             capture_output=True, check=True).stdout
        taken = 0
        for pkt in json.loads(out):
            frame = pkt['_source']['layers']['frame']['frame.number']
            for raw in raws(pkt['_source']['layers']):
                hexes = raw[0] if isinstance(raw[0], str) else raw[0][0]
                data = bytes.fromhex(hexes)
                if data in seen or taken >= limit:
                    continue
                seen.add(data)
                name = f"{cap.rsplit('.', 1)[0]}-{int(frame):04d}.sip"
                with open(name, 'wb') as f:
                    f.write(data)
                lic, repo = licences.get(cap, ('?', '?'))
                rows.append((name, cap, frame, lic, repo))
                taken += 1
    with open('MANIFEST.tsv', 'w') as f:
        f.write('file\tcapture\tframe\tlicense\tsource_repo\n')
        for r in rows:
            f.write('\t'.join(r) + '\n')
    print(f'{len(rows)} messages')

if __name__ == '__main__':
    sys.exit(main())
