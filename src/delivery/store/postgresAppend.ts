/**
 * @internal The PostgreSQL store's SQL text for bytes and its deferred append (DL16): a write batch's events,
 * once its rooms are locked, written as one statement of literals that goes out with the COMMIT.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import type * as PgTypes from 'pg';
import { frankColumn } from '../franking.js';
import { compareUtf16 } from './memory.js';
import type { NewEvent } from './types.js';

/** What one transaction tracks: whether BEGIN went out, the rooms it locked (their last seq), a deferred append. */
export interface TxState {
  begun: boolean;
  /** Rooms locked by this transaction's `lockRooms`, with their last sequence number as it now stands. */
  readonly heads: Map<string, number>;
  /** DL16: an append not yet sent; it goes with the next statement or with the COMMIT. */
  deferred?: string | undefined;
}

/** DL16: appends up to this many bytes of events are deferred to the COMMIT (as literals in its simple query). */
const DEFER_APPEND_MAX_BYTES = 1 << 20;

/**
 * DL16: when every room of the append was locked by this transaction, the sequence numbers are known (the
 * lock makes this transaction the rooms' only appender), so the append needs no answer now: it is written as
 * one statement of literals and sent with the COMMIT, one round trip less per write batch. The numbers are
 * given explicitly; should another writer have taken one after all, the events' primary key refuses the
 * statement and the whole transaction rolls back.
 */
export function deferAppend(client: PgTypes.PoolClient, state: TxState, batches: ReadonlyMap<string, readonly NewEvent[]>): Map<string, number> | undefined {
  if (state.deferred !== undefined || !state.begun) return undefined;
  let bytes = 0;
  for (const [id, events] of batches) {
    if (!state.heads.has(id)) return undefined;
    for (const e of events) bytes += e.message.length + e.sender.length + 64;
  }
  if (bytes > DEFER_APPEND_MAX_BYTES) return undefined;
  const firsts = new Map<string, number>();
  const rows: string[] = [];
  const lasts: string[] = [];
  const lit = (b: Uint8Array | null): string => (b === null ? 'NULL::bytea' : `'\\x${hex(b)}'::bytea`);
  for (const [id, events] of [...batches].sort((a, b) => compareUtf16(a[0], b[0]))) {
    if (events.length === 0) continue;
    const room = client.escapeLiteral(id);
    const prev = state.heads.get(id)!;
    firsts.set(id, prev + 1);
    events.forEach((e, k) => {
      const expires = e.expires === undefined ? 'NULL' : String(e.expires);
      rows.push(`(${room}, ${prev + 1 + k}::bigint, ${e.hubTime}::bigint, ${client.escapeLiteral(e.kind)}, ${client.escapeLiteral(e.sender)}, ${lit(e.message)}, ${expires}::bigint, ${lit(frankColumn(e))})`);
    });
    lasts.push(`(${room}, ${prev + events.length}::bigint)`);
    state.heads.set(id, prev + events.length);
  }
  if (rows.length === 0) return firsts;
  state.deferred = `WITH s AS (INSERT INTO rooms (room_id, last_seq) VALUES ${lasts.join(', ')}
      ON CONFLICT (room_id) DO UPDATE SET last_seq = excluded.last_seq RETURNING room_id)
    INSERT INTO events (room_id, seq, hub_time, kind, sender, message, expires, frank) VALUES ${rows.join(', ')}`;
  return firsts;
}


/** Lower-case hex, for bytea literals (`'\\x…'`). */
export function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}
