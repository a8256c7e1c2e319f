#!/usr/bin/env python3
"""Turns an eval run (cases, per-case session ids and times, the agent's ECS alert log) into the
coverage table of docs/detection.md.

Attribution: every case runs as a session leader, so an alert belongs to a case when the alerting
process's session leader (process.session_leader.pid), the process itself or one of its recorded
ancestors (mamori.ancestry) is the case's session leader, and the alert's time falls in the case's
window (start - 1 s .. end + 5 s; pids are not reused that fast). Prevention notices
(event.kind other than alert) are not alerts and are listed separately.

An attack case is *detected* when an attributed alert carries the case's ATT&CK technique (the same
technique or a sub-technique of the same base: T1059 and T1059.004 match each other); *any alert*
counts every attributed alert. A routine case with any attributed alert is a false positive.
"""
import argparse, datetime, json, re, sys

HEADER = re.compile(r'^#@ (.*)$')
FIELD = re.compile(r'(\w+)=((?:(?! \w+=).)*)')


def parse_cases(paths):
    cases = []
    for path in paths:
        for line in open(path, encoding='utf-8'):
            m = HEADER.match(line.rstrip('\n'))
            if not m:
                continue
            f = {k: v.strip() for k, v in FIELD.findall(m.group(1))}
            for key in ('id', 'kind', 'tactic', 'technique', 'signal', 'title'):
                if key not in f:
                    sys.exit(f'{path}: case header without {key}=: {line.strip()}')
            if f['kind'] not in ('attack', 'routine'):
                sys.exit(f'{path}: case {f["id"]}: kind must be attack or routine')
            f['file'] = path.split('/')[-1]
            cases.append(f)
    ids = [c['id'] for c in cases]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        sys.exit(f'duplicate case ids: {sorted(dup)}')
    return cases


def ts_ns(value):
    # RFC 3339 with fractional seconds and Z.
    m = re.match(r'(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.(\d+))?Z', value)
    if not m:
        return None
    base = datetime.datetime.strptime(m.group(1), '%Y-%m-%dT%H:%M:%S').replace(tzinfo=datetime.timezone.utc)
    frac = (m.group(3) or '0')[:9].ljust(9, '0')
    return int(base.timestamp()) * 1_000_000_000 + int(frac)


def techniques(alert):
    out = []
    for t in (alert.get('threat') or {}).get('technique') or []:
        out.append(t.get('id', ''))
        out += [s.get('id', '') for s in t.get('subtechnique') or []]
    return [t for t in out if t]


def base(t):
    return t.split('.')[0].upper()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cases', nargs='+', required=True)
    ap.add_argument('--results', required=True)
    ap.add_argument('--alerts', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--filter', default='.')
    ap.add_argument('--outputs', default='')
    a = ap.parse_args()

    cases = [c for c in parse_cases(a.cases) if re.search(a.filter, c['id'])]
    results = {}
    for line in open(a.results, encoding='utf-8'):
        cid, sid, t0, t1, rc = line.rstrip('\n').split('\t')
        results[cid] = dict(sid=int(sid), t0=int(t0), t1=int(t1), rc=int(rc))
    alerts = []
    for line in open(a.alerts, encoding='utf-8', errors='replace'):
        try:
            alerts.append(json.loads(line))
        except ValueError:
            pass

    def owner(alert):
        proc = alert.get('process') or {}
        pids = {proc.get('pid'), (proc.get('session_leader') or {}).get('pid'),
                (proc.get('parent') or {}).get('pid')}
        pids |= {x.get('pid') for x in (alert.get('mamori') or {}).get('ancestry') or []}
        t = ts_ns(alert.get('@timestamp', ''))
        for c in cases:
            r = results.get(c['id'])
            if r and r['sid'] in pids and t is not None and r['t0'] - 1_000_000_000 <= t <= r['t1'] + 5_000_000_000:
                return c['id']
        return None

    by_case = {c['id']: [] for c in cases}
    notices = {c['id']: [] for c in cases}
    unattributed = 0
    for al in alerts:
        cid = owner(al)
        if cid is None:
            unattributed += 1
            continue
        kind = (al.get('event') or {}).get('kind')
        (by_case if kind == 'alert' else notices)[cid].append(al)

    rows, attacks, routines = [], [], []
    for c in cases:
        r = results.get(c['id'])
        hits = by_case[c['id']]
        rules = sorted({(h.get('rule') or {}).get('name', '?') for h in hits})
        want = base(c['technique'])
        matched = [h for h in hits if any(base(t) == want for t in techniques(h))]
        c['ran'] = r is not None
        c['rc'] = r['rc'] if r else None
        c['rules'] = rules
        c['matched'] = sorted({(h.get('rule') or {}).get('name', '?') for h in matched})
        c['detected'] = bool(matched)
        c['any'] = bool(hits)
        (attacks if c['kind'] == 'attack' else routines).append(c)

    def pct(n, d):
        return f'{100.0 * n / d:.0f}%' if d else 'n/a'

    det = sum(c['detected'] for c in attacks)
    anyh = sum(c['any'] for c in attacks)
    fps = [c for c in routines if c['any']]
    tactics = sorted({c['tactic'] for c in attacks})
    out = []
    out.append('# Detection coverage (generated by `make eval`)\n')
    out.append('Generated by `eval/run.sh` (`make eval`) from the cases in `eval/cases/*.sh`: the agent runs as\n'
               '`make run` starts it (default rule pack `rules/`, detection only), every case runs in its own\n'
               'session, and alerts are attributed to the case whose session they come from (see\n'
               '`eval/report.py`). *Detected* means an alert carrying the case\'s ATT&CK technique (same base\n'
               'technique); *any alert* counts every alert of the case. Do not edit by hand: rerun `make eval`.\n')
    out.append('## Totals\n')
    out.append(f'- attack cases: **{len(attacks)}** in {len(tactics)} tactics; technique detected: **{det}/{len(attacks)} ({pct(det, len(attacks))})**; any alert: {anyh}/{len(attacks)} ({pct(anyh, len(attacks))})')
    out.append(f'- routine cases: **{len(routines)}**; raising alerts (false positives): **{len(fps)}**' + (f' ({", ".join(c["id"] for c in fps)})' if fps else ''))
    failed = [c['id'] for c in cases if c['ran'] and c['rc'] not in (0,)]
    out.append(f'- cases whose script exited non-zero (setup missing on this host, or a timeout): {len(failed)}' + (f' ({", ".join(failed)})' if failed else ''))
    out.append(f'- alerts not attributed to any case (other activity on the host): {unattributed}\n')
    out.append('## Per tactic\n')
    out.append('| tactic | cases | detected | any alert |')
    out.append('|---|---|---|---|')
    for t in tactics:
        cs = [c for c in attacks if c['tactic'] == t]
        out.append(f'| {t} | {len(cs)} | {sum(c["detected"] for c in cs)} | {sum(c["any"] for c in cs)} |')
    out.append('')

    def cell(s):
        return s.replace('|', '\\|')

    out.append('## Attack cases\n')
    out.append('| case | tactic | technique | signal used | rule(s) that fired | detected |')
    out.append('|---|---|---|---|---|---|')
    for c in attacks:
        fired = '; '.join(cell(r) for r in c['rules']) or '—'
        flag = 'yes' if c['detected'] else ('alert, other technique' if c['any'] else '**no**')
        if not c['ran']:
            flag = 'not run'
        out.append(f'| `{c["id"]}` {cell(c["title"])} | {c["tactic"]} | {c["technique"]} | {c["signal"]} | {fired} | {flag} |')
    out.append('')
    out.append('## Routine cases (false positives)\n')
    out.append('| case | what | rule(s) that fired | false positive |')
    out.append('|---|---|---|---|')
    for c in routines:
        fired = '; '.join(cell(r) for r in c['rules']) or '—'
        out.append(f'| `{c["id"]}` | {cell(c["title"])} | {fired} | {"**yes**" if c["any"] else "no"} |')
    out.append('')
    noted = {k: v for k, v in notices.items() if v}
    if noted:
        out.append('## Prevention notices (not alerts)\n')
        for k, v in noted.items():
            out.append(f'- `{k}`: ' + '; '.join(sorted({(n.get("rule") or {}).get("name", "?") for n in v})))
        out.append('')
    open(a.out, 'w', encoding='utf-8').write('\n'.join(out))
    print(f'eval: attacks {det}/{len(attacks)} detected ({pct(det, len(attacks))}), any alert {anyh}; '
          f'routine with alerts {len(fps)}/{len(routines)}; report → {a.out}')
    for c in attacks:
        if not c['detected']:
            print(f'  missed {c["id"]} ({c["technique"]}): fired {c["rules"]}')
    for c in fps:
        print(f'  false positive {c["id"]}: {c["rules"]}')


if __name__ == '__main__':
    main()
