// One hub process of the multi-process tests (run as `node --import tsx hub-process.ts`): a Hub on the shared
// PostgreSQL schema (or SQLite file), ticking every 20 ms, whose follower transport is IPC to the parent (the
// parent holds the followers). On `go` it runs OPS random commits and submits per room, concurrently over the
// rooms, reporting every answer; it never stops by itself (the parent stops or kills it).
import { Hub, type NotifyRequest } from '../../../src/delivery/index.js';
import { openPostgresStore } from '../../../src/delivery/store/postgres.js';
import { openSqliteStore } from '../../../src/delivery/store/sqlite.js';
import { ALICE, BOB, fakeCommit, fakeMessage, rng, testChecker } from '../support.js';

type ToChild = { t: 'go' } | { t: 'stop' } | { t: 'notified'; id: number; ok: boolean; error?: string };

const env = process.env;
const me = env.MIMI_HUB_ID!;
const rooms = env.MIMI_ROOMS!.split(',');
const ops = Number(env.MIMI_OPS);
const store = env.MIMI_SQLITE_FILE
  ? openSqliteStore({ file: env.MIMI_SQLITE_FILE })
  : await openPostgresStore({ connectionString: env.MIMI_PG_URL!, schema: env.MIMI_PG_SCHEMA! });

const send = (m: unknown): void => void process.send!(m);
let nextId = 0;
const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

const hub = new Hub({
  domain: 'a.example',
  store,
  clock: Date,
  checker: testChecker(),
  instanceId: me,
  fanoutLeaseMs: Number(env.MIMI_LEASE_MS ?? 1000),
  retry: { initialMs: 50, maxMs: 200, timeoutMs: 1000 },
  batchSize: 16,
  transport: {
    notify: (follower: string, request: NotifyRequest) =>
      new Promise<void>((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        send({ t: 'notify', id, follower, request });
      }),
  },
});

let ticking = false;
const timer = setInterval(() => {
  if (ticking) return;
  ticking = true;
  hub.tick().finally(() => (ticking = false));
}, 20);

async function work(roomId: string, k: number): Promise<void> {
  const random = rng(k * 7919 + me.length * 104729 + Number(me.replace(/\D/g, '') || 0));
  // Every process opens with a commit for epoch 0: exactly one of them can win it.
  let epoch = 0;
  for (let i = 0; i < ops; i++) {
    if (i === 0 || random() < 0.15) {
      const r = await hub.update(roomId, { commit: fakeCommit(epoch, ALICE) });
      send({ t: 'result', kind: 'commit', roomId, epoch, code: r.code, ...(r.code === 'success' ? { seq: r.seq } : {}) });
      epoch = r.code === 'success' ? epoch + 1 : r.code === 'wrongEpoch' ? r.currentEpoch : epoch;
    } else {
      const body = `${me}/${roomId}/${i}`;
      const r = await hub.submitMessage(roomId, { message: fakeMessage(epoch, body), sendingUri: BOB });
      send({ t: 'result', kind: 'message', roomId, body, code: r.code, ...(r.code === 'accepted' ? { seq: r.seq } : {}) });
      if (r.code === 'epochTooOld') epoch = r.currentEpoch;
    }
  }
}

process.on('message', (m: ToChild) => {
  if (m.t === 'notified') {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.ok) w?.resolve();
    else w?.reject(new Error(m.error ?? 'notify failed'));
  } else if (m.t === 'go') {
    void Promise.all(rooms.map((r, k) => work(r, k))).then(
      () => send({ t: 'done' }),
      (e: unknown) => send({ t: 'failed', error: String(e) }),
    );
  } else if (m.t === 'stop') {
    clearInterval(timer);
    void hub
      .stop()
      .then(() => store.close())
      .then(() => process.exit(0));
  }
});

send({ t: 'ready' });
