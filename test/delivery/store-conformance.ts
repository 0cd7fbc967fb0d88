// One conformance suite for every DeliveryStore (memory, SQLite; PostgreSQL next). `open` gives a fresh store;
// `reopen`, when the store persists, closes it and opens the same data again (a process restart).
import { describe, expect, it } from 'vitest';
import { Namespace, type DeliveryStore, type LogEvent, type NewEvent } from '../../src/delivery/index.js';
import { MimiError } from '../../src/errors.js';

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
          await tx.claimKeyPackages('u');
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      await s.transaction(async (tx) => {
        expect(await tx.lastSeq('r')).toBe(1);
        expect(await tx.lastSeq('other')).toBe(0);
        expect(await tx.lastSeq('f')).toBe(0);
        expect(await tx.get(Namespace.room, 'k')).toEqual(bytes(1));
        expect(await tx.get(Namespace.room, 'k2')).toBeUndefined();
        expect(await tx.claimKeyPackages('u')).toEqual({ claimed: [{ client: 'c', keyPackage: bytes(9) }], exhausted: [] });
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
      expect(await s.transaction((tx) => tx.claimKeyPackages('u'))).toEqual({
        claimed: [{ client: 'c1', keyPackage: bytes(2) }, { client: 'c2', keyPackage: bytes(1) }],
        exhausted: [],
      });
      expect(await s.transaction((tx) => tx.claimKeyPackages('u'))).toEqual({ claimed: [{ client: 'c1', keyPackage: bytes(3) }], exhausted: ['c2'] });
      expect(await s.transaction((tx) => tx.claimKeyPackages('nobody'))).toEqual({ claimed: [], exhausted: [] });
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
          expect((await tx.claimKeyPackages('u')).claimed).toEqual([{ client: 'c', keyPackage: bytes(5) }]);
        });
        await s.close();
      });
    }
  });
}
