// One conformance suite for every DeliveryStore (memory, SQLite; PostgreSQL next). `open` gives a fresh store;
// `reopen`, when the store persists, closes it and opens the same data again (a process restart).
import { describe, expect, it } from 'vitest';
import { Namespace, type DeliveryStore, type LogEvent, type NewEvent, type KeyPackageJudge } from '../../src/delivery/index.js';
import { MimiError } from '../../src/errors.js';

/** Every package fits: the claim takes each client's oldest. */
const takeAny: KeyPackageJudge = () => 'take';

export interface StoreFactory {
  open(): Promise<DeliveryStore>;
  reopen?: (store: DeliveryStore) => Promise<DeliveryStore>;
}

const bytes = (...b: number[]) => new Uint8Array(b);
const ev = (n: number): NewEvent => ({ hubTime: 1000 + n, kind: n % 2 ? 'commit' : 'message', sender: `mimi://a.example/u/u${n}`, message: bytes(n, n + 1) });
const at = (seq: number): LogEvent => ({ ...ev(seq), seq });

export function storeConformance(name: string, factory: StoreFactory): void {
  describe(`store conformance: ${name}`, () => {
    it('appendEvent numbers each room from 1 without gaps, rooms independently', async () => {
      const s = await factory.open();
      const got = await s.transaction(async (tx) => [
        (await tx.appendEvent('r1', ev(1))).seq,
        (await tx.appendEvent('r1', ev(2))).seq,
        (await tx.appendEvent('r2', ev(3))).seq,
        (await tx.appendEvent('r1', ev(4))).seq,
      ]);
      expect(got).toEqual([1, 2, 1, 3]);
      expect(await s.transaction((tx) => tx.lastSeq('r1'))).toBe(3);
      expect(await s.transaction((tx) => tx.lastSeq('nope'))).toBe(0);
      const events = await s.transaction((tx) => tx.events('r1', 1, 10));
      expect(events).toEqual([{ ...ev(2), seq: 2 }, { ...ev(4), seq: 3 }]);
      expect(await s.transaction((tx) => tx.events('r1', 0, 2))).toHaveLength(2);
      await s.close();
    });

    it('concurrent transactions never share a sequence number (100 racing appends get 1…100)', async () => {
      const s = await factory.open();
      const seqs = await Promise.all(Array.from({ length: 100 }, (_, i) => s.transaction(async (tx) => {
        const before = await tx.lastSeq('r');
        await Promise.resolve(); // yield inside the transaction
        const e = await tx.appendEvent('r', ev(i));
        expect(e.seq).toBe(before + 1);
        return e.seq;
      })));
      expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      await s.close();
    });

    it('a transaction that throws leaves nothing behind (events, values, key packages, claims)', async () => {
      const s = await factory.open();
      await s.transaction(async (tx) => {
        await tx.appendEvent('r', ev(1));
        await tx.put(Namespace.room, 'k', bytes(1));
        await tx.addKeyPackage('u', { client: 'c', keyPackage: bytes(9) });
      });
      await expect(
        s.transaction(async (tx) => {
          await tx.appendEvent('r', ev(2));
          await tx.appendEvent('other', ev(3));
          await tx.put(Namespace.room, 'k', bytes(2));
          await tx.put(Namespace.room, 'k2', bytes(3));
          await tx.insertEvent('f', at(5));
          await tx.addKeyPackage('u', { client: 'd', keyPackage: bytes(8) });
          await tx.claimKeyPackages('u', takeAny);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      await s.transaction(async (tx) => {
        expect(await tx.lastSeq('r')).toBe(1);
        expect(await tx.lastSeq('other')).toBe(0);
        expect(await tx.lastSeq('f')).toBe(0);
        expect(await tx.get(Namespace.room, 'k')).toEqual(bytes(1));
        expect(await tx.get(Namespace.room, 'k2')).toBeUndefined();
        expect(await tx.claimKeyPackages('u', takeAny)).toEqual({ claimed: [{ client: 'c', keyPackage: bytes(9) }], exhausted: [], incompatible: [] });
      });
      // the sequence allocator was rolled back too: the next number is 2
      expect((await s.transaction((tx) => tx.appendEvent('r', ev(2)))).seq).toBe(2);
      await s.close();
    });

    it('insertEvent holds numbers out of order: duplicate is idempotent, a different event under a held number is a conflict', async () => {
      const s = await factory.open();
      await s.transaction(async (tx) => {
        expect(await tx.insertEvent('f', at(3))).toBe('inserted');
        expect(await tx.insertEvent('f', at(1))).toBe('inserted');
        expect(await tx.insertEvent('f', at(3))).toBe('duplicate');
        expect(await tx.insertEvent('f', { ...at(3), message: bytes(0) })).toBe('conflict');
        expect(await tx.insertEvent('f', { ...at(3), hubTime: 1 })).toBe('conflict');
        expect(await tx.lastSeq('f')).toBe(3);
        expect((await tx.events('f', 0, 10)).map((e) => e.seq)).toEqual([1, 3]);
        expect((await tx.events('f', 1, 10)).map((e) => e.seq)).toEqual([3]);
        expect(await tx.events('f', 0, 10)).toEqual([at(1), at(3)]);
      });
      await s.close();
    });

    it('key-value: get, put, putIfAbsent, keys by prefix in UTF-16 order, namespaces apart', async () => {
      const s = await factory.open();
      await s.transaction(async (tx) => {
        expect(await tx.putIfAbsent(Namespace.txn, 'a', bytes(1))).toBe(true);
        expect(await tx.putIfAbsent(Namespace.txn, 'a', bytes(2))).toBe(false);
        expect(await tx.get(Namespace.txn, 'a')).toEqual(bytes(1));
        await tx.put(Namespace.txn, 'a', bytes(3));
        expect(await tx.get(Namespace.txn, 'a')).toEqual(bytes(3));
        expect(await tx.get(Namespace.room, 'a')).toBeUndefined();
        for (const k of ['r\u0000b', 'r\u0000a', 'q', 'r\u0000\u{1F600}', 'r\u0000\uFFFD']) await tx.put(Namespace.client, k, bytes(0));
        // '\uFFFD' (0xFFFD) sorts after '\u{1F600}' (0xD83D 0xDE00) in UTF-16, before it in UTF-8
        expect(await tx.keys(Namespace.client, 'r\u0000')).toEqual(['r\u0000a', 'r\u0000b', 'r\u0000\u{1F600}', 'r\u0000\uFFFD']);
        expect(await tx.keys(Namespace.client)).toHaveLength(5);
        // stored values are copies: changing the caller's array changes nothing stored
        const v = bytes(7);
        await tx.put(Namespace.room, 'copy', v);
        v[0] = 0;
        expect(await tx.get(Namespace.room, 'copy')).toEqual(bytes(7));
      });
      await s.close();
    });

    it('claimKeyPackages takes the oldest package per client, once; exhausted clients are listed', async () => {
      const s = await factory.open();
      await s.transaction(async (tx) => {
        await tx.addKeyPackage('u', { client: 'c2', keyPackage: bytes(1) });
        await tx.addKeyPackage('u', { client: 'c1', keyPackage: bytes(2) });
        await tx.addKeyPackage('u', { client: 'c1', keyPackage: bytes(3) });
      });
      expect(await s.transaction((tx) => tx.claimKeyPackages('u', takeAny))).toEqual({
        claimed: [{ client: 'c1', keyPackage: bytes(2) }, { client: 'c2', keyPackage: bytes(1) }],
        exhausted: [],
        incompatible: [],
      });
      expect(await s.transaction((tx) => tx.claimKeyPackages('u', takeAny))).toEqual({ claimed: [{ client: 'c1', keyPackage: bytes(3) }], exhausted: ['c2'], incompatible: [] });
      expect(await s.transaction((tx) => tx.claimKeyPackages('nobody', takeAny))).toEqual({ claimed: [], exhausted: [], incompatible: [] });
      await s.close();
    });

    it("claimKeyPackages removes what the judge discards before a client's taken package, nothing after it; a rollback keeps them", async () => {
      // first byte: 1 take, 4 discard, else unusable
      const judge = (kp: Uint8Array) => (kp[0] === 1 ? 'take' : kp[0] === 4 ? 'discard' : 'unusable') as 'take' | 'discard' | 'unusable';
      const fill = (s: DeliveryStore) =>
        s.transaction(async (tx) => {
          for (const [client, kp] of [
            ['a', bytes(4, 0)], ['a', bytes(1, 1)], ['a', bytes(4, 2)], // a: 4,0 goes, 1,1 taken, 4,2 not judged: stays
            ['b', bytes(4, 3)], ['b', bytes(3, 4)], // b: 4,3 goes, 3,4 stays
          ] as const) await tx.addKeyPackage('u', { client, keyPackage: kp });
        });
      const s = await factory.open();
      await fill(s);
      expect(await s.transaction((tx) => tx.claimKeyPackages('u', judge))).toEqual({ claimed: [{ client: 'a', keyPackage: bytes(1, 1) }], exhausted: ['b'], incompatible: [] });
      // left, oldest first: a's 4,2 and b's 3,4
      expect((await s.transaction((tx) => tx.claimKeyPackages('u', takeAny))).claimed).toEqual([
        { client: 'a', keyPackage: bytes(4, 2) },
        { client: 'b', keyPackage: bytes(3, 4) },
      ]);
      expect((await s.transaction((tx) => tx.claimKeyPackages('u', takeAny))).claimed).toEqual([]);
      await s.close();
      const t = await factory.open();
      await fill(t);
      await expect(
        t.transaction(async (tx) => {
          await tx.claimKeyPackages('u', judge);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      // nothing went: the oldest of each client is still the discarded one
      expect((await t.transaction((tx) => tx.claimKeyPackages('u', takeAny))).claimed).toEqual([
        { client: 'a', keyPackage: bytes(4, 0) },
        { client: 'b', keyPackage: bytes(4, 3) },
      ]);
      await t.close();
    });

    it('claimKeyPackages with a judge: oldest fitting package per client, the rest stay (HT10)', async () => {
      const s = await factory.open();
      // The judge reads the first byte: 1 take, 2 incompatible, 3 unusable.
      const judge = (kp: Uint8Array) => (kp[0] === 1 ? 'take' : kp[0] === 2 ? 'incompatible' : 'unusable') as 'take' | 'incompatible' | 'unusable';
      await s.transaction(async (tx) => {
        for (const [client, kp] of [
          ['a', bytes(2, 0)], ['a', bytes(1, 1)], ['a', bytes(2, 2)], ['a', bytes(1, 3)], // a: takes 1,1 then 1,3
          ['b', bytes(2, 4)], ['b', bytes(3, 5)], ['b', bytes(2, 6)], // b: nothing fits; newest incompatible is 2,6
          ['c', bytes(3, 7)], // c: only unusable, counts as exhausted
        ] as const) await tx.addKeyPackage('u', { client, keyPackage: kp });
      });
      expect(await s.transaction((tx) => tx.claimKeyPackages('u', judge))).toEqual({
        claimed: [{ client: 'a', keyPackage: bytes(1, 1) }],
        exhausted: ['c'],
        incompatible: [{ client: 'b', keyPackage: bytes(2, 6) }],
      });
      expect(await s.transaction((tx) => tx.claimKeyPackages('u', judge))).toEqual({
        claimed: [{ client: 'a', keyPackage: bytes(1, 3) }],
        exhausted: ['c'],
        incompatible: [{ client: 'b', keyPackage: bytes(2, 6) }],
      });
      // a has only incompatible ones left; nothing non-taken was removed: without a judge, the oldest comes out
      expect((await s.transaction((tx) => tx.claimKeyPackages('u', judge))).incompatible).toEqual([
        { client: 'a', keyPackage: bytes(2, 2) },
        { client: 'b', keyPackage: bytes(2, 6) },
      ]);
      expect((await s.transaction((tx) => tx.claimKeyPackages('u', takeAny))).claimed).toEqual([
        { client: 'a', keyPackage: bytes(2, 0) },
        { client: 'b', keyPackage: bytes(2, 4) },
        { client: 'c', keyPackage: bytes(3, 7) },
      ]);
      // a judged claim rolled back leaves its package in place
      await expect(s.transaction(async (tx) => {
        expect((await tx.claimKeyPackages('u', () => 'take')).claimed).toHaveLength(2);
        throw new Error('boom');
      })).rejects.toThrow('boom');
      expect((await s.transaction((tx) => tx.claimKeyPackages('u', () => 'take'))).claimed).toEqual([
        { client: 'a', keyPackage: bytes(2, 2) },
        { client: 'b', keyPackage: bytes(3, 5) },
      ]);
      await s.close();
    });

    it('judged claims racing for one user never hand out a package twice (DL7)', async () => {
      const s = await factory.open();
      await s.transaction(async (tx) => {
        for (let i = 0; i < 12; i++) await tx.addKeyPackage('u', { client: `c${i % 3}`, keyPackage: bytes(i % 2, i) });
      });
      // only even i (first byte 0) fit: 6 packages, 2 per client
      const judge = (kp: Uint8Array) => (kp[0] === 0 ? 'take' : 'incompatible') as 'take' | 'incompatible';
      const results = await Promise.all(Array.from({ length: 10 }, () => s.transaction((tx) => tx.claimKeyPackages('u', judge))));
      const taken = results.flatMap((r) => r.claimed.map((c) => c.keyPackage[1]));
      expect([...taken].sort((a, b) => a! - b!)).toEqual([0, 2, 4, 6, 8, 10]);
      await s.close();
    });

    it('appendEvents numbers a batch consecutively after the last; expires round-trips', async () => {
      const s = await factory.open();
      await s.transaction(async (tx) => {
        await tx.appendEvent('r', ev(1));
        const batch = await tx.appendEvents('r', [ev(2), { ...ev(3), expires: 5000 }, ev(4)]);
        expect(batch.map((e) => e.seq)).toEqual([2, 3, 4]);
        expect(await tx.appendEvents('r', [])).toEqual([]);
        expect((await tx.appendEvent('r', ev(5))).seq).toBe(5);
      });
      expect(await s.transaction((tx) => tx.events('r', 2, 1))).toEqual([{ ...ev(3), expires: 5000, seq: 3 }]);
      await s.close();
    });

    it('pruneEvents removes a prefix and never frees its numbers; tombstones keep seq and hubTime', async () => {
      const s = await factory.open();
      await s.transaction(async (tx) => {
        await tx.appendEvents('r', [ev(1), ev(2), { ...ev(3), expires: 2000 }, ev(4), { ...ev(5), expires: 9000 }]);
        await tx.appendEvents('q', [{ ...ev(6), sender: 'mimi://a.example/u/u2' }]);
      });
      await s.transaction(async (tx) => {
        expect(await tx.pruneEvents('r', 2)).toBe(2);
        expect(await tx.pruneEvents('r', 2)).toBe(0);
        expect((await tx.events('r', 0, 10)).map((e) => e.seq)).toEqual([3, 4, 5]);
        expect(await tx.lastSeq('r')).toBe(5);
        expect((await tx.appendEvent('r', ev(7))).seq).toBe(6);
        // ev(n)'s sender is u<n>: u2's events are r/2 (pruned) and q/1
        expect(await tx.tombstoneEvents({ sender: 'mimi://a.example/u/u2' })).toBe(1);
        expect(await tx.tombstoneEvents({ expiredAt: 2000 })).toBe(1);
        expect(await tx.tombstoneEvents({ expiredAt: 2000 })).toBe(0);
        const tomb = (seq: number, hubTime: number): LogEvent => ({ seq, hubTime, kind: 'erased', sender: '', message: bytes() });
        expect(await tx.events('q', 0, 10)).toEqual([tomb(1, 1006)]);
        expect(await tx.events('r', 2, 2)).toEqual([tomb(3, 1003), at(4)]);
        // a tombstone and the event it replaced are the same event to a follower's copy (DL12)
        expect(await tx.insertEvent('r', at(3))).toBe('duplicate');
        expect(await tx.insertEvent('r', { ...at(3), hubTime: 1 })).toBe('conflict');
        expect(await tx.logRooms()).toEqual(['q', 'r']);
      });
      await s.close();
    });

    it('getForUpdate reads like get; delete removes; removeUser takes every key package and client of one user', async () => {
      const s = await factory.open();
      await s.transaction(async (tx) => {
        await tx.put(Namespace.lease, 'k', bytes(1));
        expect(await tx.getForUpdate(Namespace.lease, 'k')).toEqual(bytes(1));
        expect(await tx.getForUpdate(Namespace.lease, 'none')).toBeUndefined();
        await tx.delete(Namespace.lease, 'k');
        await tx.delete(Namespace.lease, 'none');
        expect(await tx.get(Namespace.lease, 'k')).toBeUndefined();
        await tx.addKeyPackage('u', { client: 'c1', keyPackage: bytes(1) });
        await tx.addKeyPackage('u', { client: 'c1', keyPackage: bytes(2) });
        await tx.addKeyPackage('u', { client: 'c2', keyPackage: bytes(3) });
        await tx.addKeyPackage('v', { client: 'c3', keyPackage: bytes(4) });
        expect(await tx.removeUser('u')).toBe(3);
        expect(await tx.claimKeyPackages('u', takeAny)).toEqual({ claimed: [], exhausted: [], incompatible: [] });
        expect((await tx.claimKeyPackages('v', takeAny)).claimed).toHaveLength(1);
      });
      await s.close();
    });

    it('the batch operations agree with the single ones: lockRooms, appendMany, lastSeqs, getMany, putMany, eventsMany', async () => {
      const s = await factory.open();
      await s.transaction(async (tx) => {
        await tx.put(Namespace.room, 'r2', bytes(2));
        await tx.put(Namespace.room, 'r1', bytes(1));
        await tx.put(Namespace.room, 'empty', bytes(0));
        await tx.appendEvents('r1', [ev(1), ev(2)]);
      });
      await s.transaction(async (tx) => {
        const heads = await tx.lockRooms(['r2', 'r1', 'empty', 'absent']);
        expect([...heads.keys()].sort()).toEqual(['empty', 'r1', 'r2']);
        expect(heads.get('r1')).toEqual({ record: bytes(1), lastSeq: 2, lastHubTime: 1002 });
        expect(heads.get('r2')).toEqual({ record: bytes(2), lastSeq: 0, lastHubTime: 0 });
        const firsts = await tx.appendMany(new Map([['r2', [ev(3)]], ['r1', [ev(4), ev(5)]], ['empty', []]]));
        expect(firsts).toEqual(new Map([['r1', 3], ['r2', 1]]));
        expect(await tx.lastSeqs()).toEqual(new Map([['r1', 4], ['r2', 1]]));
        expect((await tx.events('r1', 2, 10)).map((e) => e.hubTime)).toEqual([1004, 1005]);
        await tx.putMany(Namespace.fanout, [['a', bytes(1)], ['b', bytes(2)]]);
        await tx.putMany(Namespace.fanout, [['a', bytes(3)]]);
        await tx.putMany(Namespace.fanout, []);
        expect(await tx.getMany(Namespace.fanout, ['a', 'b', 'c'])).toEqual(new Map([['a', bytes(3)], ['b', bytes(2)]]));
        const many = await tx.eventsMany([{ roomId: 'r1', after: 1, limit: 2 }, { roomId: 'r2', after: 0, limit: 5 }, { roomId: 'none', after: 0, limit: 5 }]);
        expect([...many.keys()].sort()).toEqual(['r1', 'r2']);
        expect(many.get('r1')).toEqual(await tx.events('r1', 1, 2));
        expect(many.get('r2')).toEqual([{ ...ev(3), seq: 1 }]);
      });
      await s.close();
    });

    it('lockRooms as a transaction\'s first call takes any room id (quotes, backslashes, non-ASCII)', async () => {
      const s = await factory.open();
      const ids = ["r'1", 'r\\x00', "'; DROP TABLE kv; --", 'mimi://a.example/r/\u00e9\u{1F600}'];
      await s.transaction(async (tx) => {
        for (const [i, id] of ids.entries()) await tx.put(Namespace.room, id, bytes(i));
        await tx.appendEvents(ids[0]!, [ev(1)]);
      });
      const heads = await s.transaction((tx) => tx.lockRooms([...ids, 'absent']));
      expect(new Map([...heads].map(([k, v]) => [k, [v.record[0], v.lastSeq]]))).toEqual(new Map(ids.map((id, i) => [id, [i, i === 0 ? 1 : 0]])));
      expect(await s.transaction((tx) => tx.lockRooms([]))).toEqual(new Map());
      expect(await s.transaction((tx) => tx.keys(Namespace.room))).toHaveLength(4);
      await s.close();
    });

    it('a closed store refuses work with delivery/store-closed', async () => {
      const s = await factory.open();
      await s.close();
      const e = await s.transaction((tx) => tx.lastSeq('r')).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(MimiError);
      expect((e as MimiError).code).toBe('delivery/store-closed');
    });

    if (factory.reopen) {
      const reopen = factory.reopen;
      it('reopened, it holds everything committed and nothing rolled back', async () => {
        let s = await factory.open();
        await s.transaction(async (tx) => {
          await tx.appendEvent('r', ev(1));
          await tx.appendEvent('r', ev(2));
          await tx.insertEvent('f', at(7));
          await tx.put(Namespace.fanout, 'x', bytes(4));
          await tx.addKeyPackage('u', { client: 'c', keyPackage: bytes(5) });
        });
        await s.transaction(async (tx) => {
          await tx.appendEvent('r', ev(3));
          throw new Error('rolled back');
        }).catch(() => undefined);
        s = await reopen(s);
        await s.transaction(async (tx) => {
          expect(await tx.events('r', 0, 10)).toEqual([at(1), at(2)]);
          expect(await tx.lastSeq('r')).toBe(2);
          expect(await tx.lastSeq('f')).toBe(7);
          expect(await tx.get(Namespace.fanout, 'x')).toEqual(bytes(4));
          expect((await tx.appendEvent('r', ev(3))).seq).toBe(3);
          expect((await tx.claimKeyPackages('u', takeAny)).claimed).toEqual([{ client: 'c', keyPackage: bytes(5) }]);
        });
        await s.close();
      });
    }
  });
}
