// `mimi demo` tells the truth: the counts it prints match the lines it shows, what crossed the wire matches
// the steps (the hub's provider and Carol's are separate processes), every client's view is shown, a reaction
// survives, and the checks pass.
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { recordingIO } from './io.js';

describe('mimi demo', () => {
  it('prints counts that match what it shows', async () => {
    const io = recordingIO();
    expect(await runCli(['demo'], io)).toBe(0);
    expect(io.err).toEqual([]);
    const out = io.out;
    const text = out.join('\n');

    // What runs where is said: two mimi serve processes, each with its pid and its HTTPS URL.
    expect(text).toMatch(/two providers as separate processes \(mimi serve\), on loopback over HTTPS with mutual TLS/);
    expect(text).toMatch(/^ {2}a\.example: pid \d+, MIMI at https:\/\/127\.0\.0\.1:\d+, client API at http:\/\/127\.0\.0\.1:\d+: the room's hub/m);
    expect(text).toMatch(/^ {2}b\.example: pid \d+, MIMI at https:\/\/127\.0\.0\.1:\d+/m);
    expect(text).not.toMatch(/objects in this one process/);
    expect(text).not.toMatch(/by the 0 other/);

    // What crossed the wire: Carol's provider forwarded each of her commits (the ones the hub accepted and the
    // one it answered wrongEpoch) and messages to the hub (counted here from the step lines), and the hub
    // notified b.example.
    const carolCommits = out.filter((l) => /^ {2}commit {2}Carol \(/.test(l)).length;
    const carolRaces = out.filter((l) => /^ {2}refused Carol \(.*wrongEpoch/.test(l)).length;
    const carolMessages = out.filter((l) => /^ {2}\d\d:\d\d Carol \(/.test(l)).length;
    expect([carolCommits, carolRaces]).toEqual([5, 1]);
    const wire = (from: string, endpoint: string) => new RegExp(`^ {4}${from.replace('.', '\\.')} → \\S+ {2}POST ${endpoint} +(\\d+) × HTTP (\\d+)(.*)$`, 'm').exec(text);
    expect(wire('b.example', 'update')?.slice(1, 3)).toEqual([String(carolCommits + carolRaces), '200']);
    expect(wire('b.example', 'update')?.[3]).toMatch(/wrongEpoch/);
    expect(wire('b.example', 'submitMessage')?.slice(1, 3)).toEqual([String(carolMessages), '200']);
    expect(wire('a.example', 'notify')?.[2]).toBe('201');
    // The hub routed each Welcome of a commit adding clients of b.example to b.example (HT16): one request per
    // such commit, on its own row; the Welcomes of a.example's own joiners never cross the wire.
    const toB = out.filter((l) => /^ {2}commit {2}.*joined by the Welcome the hub routed to their provider b\.example over MIMI\)$/.test(l)).length;
    const local = out.filter((l) => /^ {2}commit {2}.*joined by the Welcome the hub routed to their provider a\.example \(the hub's own\)\)$/.test(l)).length;
    expect([toB, local]).toEqual([1, 3]);
    expect(/^ {4}a\.example → b\.example {2}POST notify \(Welcome\) +(\d+) × HTTP 201 /m.exec(text)?.[1]).toBe(String(toB));
    expect(text).not.toMatch(/b\.example → a\.example {2}POST notify \(Welcome\)/);
    expect(text).not.toMatch(/Welcomes go from the committer to the joiners inside this demo/);
    expect(wire('a.example', 'keyMaterial')?.[2]).toBe('200');
    expect(text).toMatch(/provider processes stopped on SIGTERM: a\.example after \d+(\.\d+)? ms, fanout drained; b\.example after/);

    // Section 2 and 3: one line per message sent, "HH:MM Name (client): kind".
    const s4 = out.findIndex((l) => l.startsWith('4. '));
    const sendLines = out.slice(0, s4).filter((l) => /^ {2}\d\d:\d\d \w+ \(\w+\): /.test(l));
    const kinds = sendLines.map((l) => l.replace(/^.*?\): /, ''));
    const header = out.slice(s4, s4 + 3).join(' ');
    expect(header).toContain(`${sendLines.length} messages sent`);
    // By hand: edits, reactions, unlikes and deletes change another entry; every other message adds one.
    const modifiers = kinds.filter((k) => /^(edit|reaction|unlike|delete)\b/.test(k)).length;
    expect(modifiers).toBeGreaterThan(0);
    const entries = sendLines.length - modifiers;
    expect(header).toContain(`shows ${entries} entries`);

    // Section 4: groups of clients with identical views; each header's count is the number of lines shown.
    const s5 = out.findIndex((l) => l.startsWith('5. '));
    const groups: { clients: string[]; count: number; lines: string[] }[] = [];
    for (const l of out.slice(s4 + 3, s5)) {
      const m = /^ {2}(.+): (\d+) entries/.exec(l);
      if (m) groups.push({ clients: m[1]!.split(', '), count: Number(m[2]), lines: [] });
      else groups.at(-1)!.lines.push(...l.split('\n'));
    }
    const clients = groups.flatMap((g) => g.clients).sort();
    expect(clients).toEqual(['Alice (laptop)', 'Alice (phone)', 'Bob (laptop)', 'Bob (phone)', 'Carol (laptop)', 'Carol (phone)']);
    for (const g of groups) expect(g.lines).toHaveLength(g.count);
    // The clients that were in the room throughout show every entry; a reaction is shown on its message.
    expect(groups[0]!.count).toBe(entries);
    expect(groups[0]!.lines.some((l) => /\[👍 1\]$/.test(l))).toBe(true);
    // Bob's clients missed exactly the messages sent while Bob was banned, and nothing else differs.
    const bob = groups.find((g) => g.clients.includes('Bob (laptop)'))!;
    expect(bob.clients).toEqual(['Bob (laptop)', 'Bob (phone)']);
    expect(bob.lines.every((l) => groups[0]!.lines.includes(l))).toBe(true);
    const banned = out.slice(0, s4).filter((l) => /removed clients cannot read it/.test(l)).length;
    expect(groups[0]!.count - bob.count).toBe(banned);

    // Section 5: the checks say what was compared, and agree.
    const checks = out.slice(s5).join(' ');
    expect(checks).toMatch(/all 6 client views agree/);
    expect(checks).toContain(`${entries} entries = ${entries} expected`);
    // Each accepted commit moves the room one epoch on from 0 (RFC 9420 §12.4); Bob's 2 clients left, the other
    // 4 are at the last epoch.
    const commits = out.filter((l) => /^ {2}commit {2}/.test(l)).length;
    expect(checks).toMatch(new RegExp(`all 4 member clients at epoch ${commits} \\(2 clients left the room\\)`));

    // The leave: Bob's proposals (one Remove per client and the room-state change, RFC 9420 §12.1), fanned out as
    // events of their own, then Carol's commit citing them is the next event and the last commit.
    const leave = out.findIndex((l) => /^ {2}leave {3}Bob \(/.test(l));
    expect(leave).toBeGreaterThan(0);
    const m = /leaves by (\d+) proposals sent through a\.example \(events (\d+)–(\d+), held by the hub for the epoch and by the 5 other member clients\)$/.exec(out[leave]!);
    expect(m).not.toBeNull();
    const [n, from, to] = [Number(m![1]), Number(m![2]), Number(m![3])];
    expect(n).toBe(2 + 1);
    expect(to - from + 1).toBe(n);
    expect(out[leave + 1]).toMatch(new RegExp(`^ {2}commit {2}Carol \\(phone\\): commit Bob's leave \\(the ${n} proposals, by reference\\) \\(epoch ${commits}, event ${to + 1},`));
  }, 60_000);

  it('--in-process runs the same room with both providers in this process', async () => {
    const io = recordingIO();
    expect(await runCli(['demo', '--in-process'], io)).toBe(0);
    const text = io.out.join('\n');
    expect(text).toMatch(/two providers in this process, on loopback over HTTPS with mutual TLS/);
    expect(text).toMatch(/all 6 client views agree/);
  }, 60_000);
});
