/**
 * The PostgreSQL store's schema, as numbered migrations. Each runs once, in order, inside one transaction
 * with its row in `mimi_migrations`; the store applies the missing ones on open under an advisory lock, so
 * several processes starting at once apply each exactly once (docs/decisions.md DL9). Migrations are only
 * ever appended: a released one is never edited.
 *
 * @module
 */

/** @internal One schema step. */
export interface Migration {
  /** 1, 2, 3, … without gaps. */
  readonly version: number;
  /** What it does, recorded beside the version. */
  readonly name: string;
  /** The statements (run as one multi-statement query). */
  readonly sql: string;
}

/**
 * @internal Every migration, ascending. Keys of `kv` are bytea (UTF-8): they join their parts with NUL, which
 * PostgreSQL text cannot hold.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'delivery tables: kv, rooms (sequence allocator), events, clients, key_packages',
    sql: `
CREATE TABLE kv (ns text NOT NULL, key bytea NOT NULL, value bytea NOT NULL, PRIMARY KEY (ns, key));
CREATE TABLE rooms (room_id text PRIMARY KEY, last_seq bigint NOT NULL);
CREATE TABLE events (room_id text NOT NULL, seq bigint NOT NULL, hub_time bigint NOT NULL, kind text NOT NULL,
  sender text NOT NULL, message bytea NOT NULL, expires bigint, PRIMARY KEY (room_id, seq));
CREATE INDEX events_by_sender ON events (sender) WHERE kind <> 'erased';
CREATE INDEX events_by_expiry ON events (expires) WHERE expires IS NOT NULL;
CREATE TABLE clients (user_uri text NOT NULL, client text NOT NULL, PRIMARY KEY (user_uri, client));
CREATE TABLE key_packages (id bigserial PRIMARY KEY, user_uri text NOT NULL, client text NOT NULL, key_package bytea NOT NULL);
CREATE INDEX key_packages_by_client ON key_packages (user_uri, client, id);
`,
  },
  {
    version: 2,
    name: 'events.frank: the hub frank of an application message (HT19)',
    sql: `
ALTER TABLE events ADD COLUMN frank bytea;
`,
  },
];
