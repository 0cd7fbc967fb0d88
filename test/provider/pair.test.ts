// Two providers in this process over real HTTPS with mutual TLS on loopback: the whole demo room scenario runs
// with each client talking to its own provider's local client API (over HTTP), the providers talking MIMI.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMtlsFetch } from '../../src/http/node/index.js';
import { runScenario } from '../../src/cli/demo-scenario.js';
import { LocalApiClient } from '../../src/provider/client.js';
import { encodeAbuseReport } from '../../src/protocol/index.js';
import { createRoom as createRoomState, roomStateToJson } from '../../src/room/index.js';
import { startPair, TOKEN, type Pair } from './support.js';

describe('a provider pair over HTTPS', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair();
  });
  afterAll(async () => {
    await pair?.stop();
  });

  const out: string[] = [];
  it('runs the demo room scenario: every view agrees, and the providers spoke MIMI to each other', async () => {
    const providers = {
      'a.example': new LocalApiClient({ url: pair.a.localUrl, token: TOKEN }),
      'b.example': new LocalApiClient({ url: pair.b.localUrl, token: TOKEN }),
    };
    const ok = await runScenario({ providers, intro: [], say: (l) => out.push(l) });
    expect(out.join('\n')).toMatch(/all 6 client views agree/);
    expect(ok).toBe(true);
    // What crossed the wire, from the servers' own request logs (the authenticated peer domain).
    const atA = pair.logs.a.filter((l) => l['msg'] === 'request');
    const atB = pair.logs.b.filter((l) => l['msg'] === 'request');
    // b.example sent Carol's commits and messages to the hub, and claimed Bob's key packages there.
    for (const endpoint of ['update', 'submitMessage', 'keyMaterial']) expect(atA.some((l) => l['endpoint'] === endpoint && l['peer'] === 'b.example' && l['status'] === 200)).toBe(true);
    // The hub fanned out to b.example (201 per notify) and claimed Carol's key packages there.
    expect(atB.some((l) => l['endpoint'] === 'notify' && l['peer'] === 'a.example' && l['status'] === 201)).toBe(true);
    expect(atB.some((l) => l['endpoint'] === 'keyMaterial' && l['peer'] === 'a.example' && l['status'] === 200)).toBe(true);
  }, 120_000);

  it('logs a refusal with its code and counts it in /metrics', async () => {
    const b = pair.configs.b.tls!;
    const fetch = createMtlsFetch({ cert: readFileSync(b.cert, 'utf8'), key: readFileSync(b.key, 'utf8'), ca: readFileSync(b.ca, 'utf8'), servername: () => 'a.example' });
    const room = encodeURIComponent('mimi://a.example/r/release-team');
    // Not a SubmitMessageRequest: three bytes that end inside the MLSMessage header.
    const res = await fetch(`${pair.a.mimiUrl}/submitMessage/${room}`, { method: 'POST', headers: { from: 'mimi@b.example', host: 'a.example', 'content-type': 'application/octet-stream' }, body: new Uint8Array([0, 1, 0]) });
    await fetch.close();
    expect(res.status).toBe(400);
    const line = pair.logs.a.filter((l) => l['msg'] === 'request').at(-1)!;
    expect(line).toMatchObject({ endpoint: 'submitMessage', peer: 'b.example', status: 400, bytesIn: 3 });
    expect(typeof line['code']).toBe('string');
    const metrics = await (await globalThis.fetch(`${pair.a.localUrl}/metrics`)).text();
    expect(metrics).toContain(`mimi_events_refused_total{code="${String(line['code'])}"} 1`);
    expect(metrics).toMatch(/^mimi_requests_total\{endpoint="submitMessage",status="400"\} 1$/m);
    // Every commit and message the scenario printed as accepted, and its one wrongEpoch, were counted by the hub.
    const commits = out.filter((l) => /^ {2}commit {2}/.test(l)).length;
    const messages = out.filter((l) => /^ {2}\d\d:\d\d \w+ \(/.test(l)).length;
    const races = out.filter((l) => /^ {2}refused .*wrongEpoch/.test(l)).length;
    expect([commits, messages, races]).toEqual([10, 14, 1]);
    expect(metrics).toMatch(new RegExp(`^mimi_events_accepted_total\\{kind="commit"\\} ${commits}$`, 'm'));
    expect(metrics).toMatch(new RegExp(`^mimi_events_accepted_total\\{kind="message"\\} ${messages}$`, 'm'));
    expect(metrics).toMatch(new RegExp(`^mimi_events_refused_total\\{code="wrongEpoch"\\} ${races}$`, 'm'));
    // A leave sent through b.example crosses the wire as one update of proposals (HT15): counted as such, not as a commit.
    const leavesFromB = out.filter((l) => /^ {2}leave .* sent through b\.example/.test(l)).length;
    if (leavesFromB > 0) expect(metrics).toMatch(new RegExp(`^mimi_events_accepted_total\\{kind="proposal"\\} ${leavesFromB}$`, 'm'));
    else expect(metrics).not.toMatch(/kind="proposal"/);
    expect(metrics).toMatch(/^mimi_fanout_lag_seconds\{follower="b\.example"\} \d/m);
    expect(metrics).toMatch(/^mimi_fanout_backlog 0$/m);
    expect(metrics).toMatch(/^mimi_store_transaction_seconds_count \d+$/m);
  });
});

describe("abuse reports of a provider's own users (POST /v1/reportAbuse)", () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair();
  });
  afterAll(async () => {
    await pair?.stop();
  });

  it("go to the room's hub over MIMI, or are handled at home for a room hubbed there; a reporter of another provider is refused", async () => {
    const room = 'mimi://a.example/r/reported';
    const alice = 'mimi://a.example/u/alice';
    await pair.a.createRoom({ roomId: room, epoch: 0, roomState: roomStateToJson(createRoomState({ preset: 'moderated', creator: alice, roomUri: room })), members: [], extensions: [] });
    const report = (reportingUser: string) => encodeAbuseReport({ reportingUser, allegedAbuserUri: alice, reasonCode: 3, note: 'harassment', messages: [], abuseExtensions: [] });
    const atB = new LocalApiClient({ url: pair.b.localUrl, token: TOKEN });
    const atA = new LocalApiClient({ url: pair.a.localUrl, token: TOKEN });
    await atB.reportAbuse(room, report('mimi://b.example/u/carol'));
    await atA.reportAbuse(room, report('mimi://a.example/u/dora'));
    const reports = pair.logs.a.filter((l) => l['msg'] === 'abuse report');
    expect(reports).toMatchObject([
      { roomId: room, peer: 'b.example', reportingUser: 'mimi://b.example/u/carol', allegedAbuser: alice, reasonCode: 3, messages: 0, note: 'harassment' },
      { roomId: room, peer: 'a.example', reportingUser: 'mimi://a.example/u/dora' },
    ]);
    expect(pair.logs.a.some((l) => l['msg'] === 'request' && l['endpoint'] === 'reportAbuse' && l['peer'] === 'b.example' && l['status'] === 201)).toBe(true);
    const metrics = await (await globalThis.fetch(`${pair.a.localUrl}/metrics`)).text();
    expect(metrics).toMatch(/^mimi_abuse_reports_total\{peer="b\.example"\} 1$/m);
    expect(metrics).toMatch(/^mimi_abuse_reports_total\{peer="a\.example"\} 1$/m);
    // b.example speaks only for its own users, and refuses what is not an AbuseReport, before anything is sent.
    await expect(atB.reportAbuse(room, report(alice))).rejects.toMatchObject({ code: 'provider/bad-request' });
    await expect(atB.reportAbuse(room, new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: expect.stringMatching(/^protocol\//) });
    // A room that does not exist at its hub: the hub's refusal comes back.
    await expect(atA.reportAbuse('mimi://a.example/r/none', report('mimi://a.example/u/dora'))).rejects.toMatchObject({ code: 'delivery/no-such-room' });
    expect(pair.logs.a.filter((l) => l['msg'] === 'abuse report')).toHaveLength(2);
  }, 60_000);
});

describe('a provider pair over plain HTTP (--plain-http, tests only)', () => {
  it('runs the same room; the peer is the From header, unauthenticated', async () => {
    const pair = await startPair({ plainHttp: true });
    try {
      expect(pair.a.mimiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const providers = { 'a.example': pair.a, 'b.example': pair.b };
      const out: string[] = [];
      expect(await runScenario({ providers, intro: [], say: (l) => out.push(l) })).toBe(true);
      expect(pair.logs.b.some((l) => l['msg'] === 'request' && l['endpoint'] === 'notify' && l['peer'] === 'a.example')).toBe(true);
    } finally {
      await pair.stop();
    }
  }, 120_000);
});
