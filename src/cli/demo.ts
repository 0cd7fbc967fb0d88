/**
 * `mimi demo`: the main job. An end-to-end encrypted MIMI room across two providers, every kind of content,
 * membership changes enforced by every member, and every member's conversation view rendered and compared.
 *
 * @module
 */
import { performance } from 'node:perf_hooks';
import {
  alternatives,
  attachment,
  deleteMessage,
  edit,
  encodeContent,
  expiring,
  messageId,
  markdown,
  mention,
  plainText,
  reaction,
  reply,
  singlePart,
  unlike,
  type MimiContent,
} from '../content/index.js';
import { bytesToHex } from '../cbor/hex.js';
import { MimiError } from '../errors.js';
import { Conversation } from '../fallback/index.js';
import {
  createClientIdentity,
  createRoom,
  generateKeyPackage,
  joinFromWelcome,
  type ClientIdentity,
  type CommitOutcome,
  type CredentialVerifier,
  type KeyPackageBundle,
  type MimiRoom,
} from '../mls/index.js';
import { authorize, createRoom as createRoomState } from '../room/index.js';
import type { CliCommand, CliIO } from './command.js';

const ROOM = 'mimi://a.example/r/release-team';
const ALICE = 'mimi://a.example/u/alice';
const BOB = 'mimi://a.example/u/bob';
const CAROL = 'mimi://b.example/u/carol';
const NAMES: Record<string, string> = { [ALICE]: 'Alice', [BOB]: 'Bob', [CAROL]: 'Carol' };
// Moderated preset (draft-ietf-mimi-room-policy, "Moderated room"): 4 = ordinary user, 5 = moderator.
const ORDINARY = 4;
const MODERATOR = 5;

/** Each provider vouches for the (client, user, signature key) triples it issued. */
class TrustStore {
  readonly #issued = new Map<string, string>();
  issue(id: ClientIdentity): void {
    this.#issued.set(id.clientUri, `${id.userUri} ${bytesToHex(id.signaturePublicKey)}`);
  }
  readonly verifier: CredentialVerifier = (c) => this.#issued.get(c.clientUri) === `${c.userUri} ${bytesToHex(c.signaturePublicKey)}`;
}

/** "Alice (phone)" for mimi://a.example/d/alice/phone. */
function clientName(clientUri: string, userUri: string): string {
  return `${NAMES[userUri] ?? userUri} (${clientUri.split('/').pop()})`;
}

/** One client as its provider holds it: its copy of the MLS group and its own conversation view. */
interface Client {
  readonly id: ClientIdentity;
  room?: MimiRoom;
  conversation?: Conversation;
  /** Hex IDs of the messages sent while this client was not a member (it cannot read them). */
  readonly missed: Set<string>;
}

/**
 * A provider (draft-ietf-mimi-arch): holds its users' clients and delivers what the hub sends them.
 * Both providers are objects in this one process; the hub hands the follower its copies by a function
 * call. Real providers over the network come with the MIMI protocol (issue 12).
 */
class Provider {
  readonly clients = new Map<string, Client>();
  /** Copies of handshake and application messages received from the hub. */
  received = 0;
  constructor(readonly domain: string) {}
}

/** The hub provider of the room: orders every commit and message, stamps the hub time, fans out to every provider. */
class Hub {
  readonly providers: Provider[];
  clock = Date.UTC(2026, 10, 22, 9, 0, 0);
  /** Every application message sent, by kind. */
  readonly sent: { id: string; kind: string }[] = [];
  constructor(
    readonly home: Provider,
    follower: Provider,
    readonly store: TrustStore,
    readonly log: (line: string) => void,
  ) {
    this.providers = [home, follower];
  }

  add(id: ClientIdentity): void {
    const p = this.providers.find((x) => id.clientUri.startsWith(`mimi://${x.domain}/`));
    if (!p) throw new MimiError('demo/no-room', `no provider for ${id.clientUri}`);
    p.clients.set(id.clientUri, { id, missed: new Set() });
  }

  client(id: ClientIdentity): Client {
    for (const p of this.providers) {
      const c = p.clients.get(id.clientUri);
      if (c) return c;
    }
    throw new MimiError('demo/no-room', `${id.clientUri} is not known`);
  }

  room(id: ClientIdentity): MimiRoom {
    const r = this.client(id).room;
    if (!r) throw new MimiError('demo/no-room', `${id.clientUri} is not in the room`);
    return r;
  }

  *clients(): Generator<Client> {
    for (const p of this.providers) yield* p.clients.values();
  }

  conversation(c: Client): Conversation {
    // Edits and deletes of others' messages are allowed when this client's copy of the room policy says so.
    c.conversation ??= new Conversation({
      authorize: (req) =>
        authorize(this.room(c.id).roomState, req.actor, { type: 'message', action: req.kind === 'delete' ? 'deleteOther' : 'editOwn' }).allowed,
    });
    return c.conversation;
  }

  /** One copy per provider that has a client in `targets`, as a hub sends to its followers. */
  #fanOut(targets: Client[]): void {
    for (const p of this.providers) if (targets.some((t) => p.clients.has(t.id.clientUri))) p.received++;
  }

  async commit(from: ClientIdentity, what: string, out: CommitOutcome, joiners: KeyPackageBundle[] = []): Promise<void> {
    const members = [...this.clients()].filter((c) => c.id.clientUri !== from.clientUri && c.room?.isMember === true);
    this.#fanOut(members);
    for (const c of members) c.room = (await c.room!.processHandshake(out.commit)).room;
    this.client(from).room = out.room;
    for (const kp of joiners) {
      const c = [...this.clients()].find((x) => x.id.clientUri === kp.clientUri)!;
      c.room = await joinFromWelcome({ welcome: out.welcome!, keyPackage: kp, verifier: this.store.verifier });
    }
    const checked = members.length === 0 ? 'no other member yet' : `checked against the room policy by the ${plural(members.length, 'other member client')}`;
    const joined = joiners.length > 0 ? `; ${plural(joiners.length, 'client')} joined by Welcome` : '';
    this.log(`  commit  ${clientName(from.clientUri, from.userUri)}: ${what} (epoch ${out.room.epoch}, ${checked}${joined})`);
  }

  async send(from: ClientIdentity, kind: string, build: (o: { senderUri: string; roomUri: string }) => MimiContent): Promise<Uint8Array> {
    const content = build({ senderUri: from.userUri, roomUri: ROOM });
    const bytes = encodeContent(content);
    const { message, room } = await this.room(from).encryptContent(bytes);
    this.client(from).room = room;
    const hubTimestamp = (this.clock += 60_000);
    const id = messageId(bytes);
    const hex = bytesToHex(id);
    const others = [...this.clients()].filter((c) => c.id.clientUri !== from.clientUri && c.room !== undefined);
    this.#fanOut(others);
    const cannotRead: string[] = [];
    for (const c of others) {
      if (!c.room!.isMember) {
        // A removed client still holds its old state; it must not be able to read new messages.
        try {
          await c.room!.decryptContent(message, { hubTimestamp });
          throw new MimiError('demo/leak', `${c.id.clientUri} decrypted a message sent after its removal`);
        } catch (e) {
          if (e instanceof MimiError && e.code === 'demo/leak') throw e;
          cannotRead.push(`${clientName(c.id.clientUri, c.id.userUri)} (${e instanceof MimiError ? e.code : 'error'})`);
          c.missed.add(hex);
        }
        continue;
      }
      const got = await c.room!.decryptContent(message, { hubTimestamp });
      c.room = got.room;
      if (bytesToHex(got.messageId) !== hex) throw new MimiError('demo/no-recipient', `${c.id.clientUri} computed another message ID`);
      this.conversation(c).add({ id: got.messageId, sender: got.senderUserUri, hubTimestamp: got.hubTimestamp, content: got.content });
    }
    if (others.length === cannotRead.length) throw new MimiError('demo/no-recipient', 'nobody received the message');
    this.conversation(this.client(from)).add({ id, sender: from.userUri, hubTimestamp, content });
    this.sent.push({ id: hex, kind });
    const time = new Date(hubTimestamp).toISOString().slice(11, 16);
    this.log(`  ${time} ${clientName(from.clientUri, from.userUri)}: ${kind}`);
    if (cannotRead.length > 0) this.log(`        removed clients cannot read it: ${cannotRead.join(', ')}`);
    return id;
  }
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Kinds of message that change another entry of the view instead of adding one (draft-ietf-mimi-content §5.3–5.6). */
const MODIFIERS = ['edit', 'reaction', 'unlike', 'delete'] as const;

/** How many sent messages of each modifying kind, and how many view entries the rest yield. */
function expectedEntries(sent: readonly { kind: string }[]): { entries: number; modifiers: string } {
  const count = (k: string) => sent.filter((m) => m.kind.split(' ')[0]!.replace(/:$/, '') === k).length;
  const modifiers = MODIFIERS.map((k) => [k, count(k)] as const).filter(([, n]) => n > 0);
  const entries = sent.length - modifiers.reduce((t, [, n]) => t + n, 0);
  return { entries, modifiers: modifiers.map(([k, n]) => plural(n, k)).join(', ') };
}

async function runDemo(io: CliIO): Promise<number> {
  const t0 = performance.now();
  const say = (line: string) => io.stdout(line);
  const store = new TrustStore();
  const a = new Provider('a.example');
  const b = new Provider('b.example');
  const hub = new Hub(a, b, store, say);
  const device = async (user: string, n: string) => {
    const [, , host, , local] = user.split('/');
    const id = await createClientIdentity({ userUri: user, clientUri: `mimi://${host}/d/${local}/${n}` });
    store.issue(id);
    hub.add(id);
    return id;
  };
  const [a1, a2, b1, b2, c1, c2] = await Promise.all([
    device(ALICE, 'laptop'),
    device(ALICE, 'phone'),
    device(BOB, 'laptop'),
    device(BOB, 'phone'),
    device(CAROL, 'laptop'),
    device(CAROL, 'phone'),
  ]);

  say(`mimi-kit demo: room ${ROOM}`);
  say("  two providers, both as objects in this one process: a.example (the hub; Alice's and Bob's provider) and");
  say("  b.example (Carol's); the hub orders every commit and message and hands b.example its copies by a function call.");
  say('  Real providers over the network come with the MIMI protocol (issue 12).');
  say('1. membership (every commit is a public MLS message; every other member checks it against the room policy)');
  const state = createRoomState({ preset: 'moderated', creator: ALICE, roomUri: ROOM, name: 'Release team' });
  hub.client(a1!).room = await createRoom({ identity: a1!, roomUri: ROOM, roomState: state, verifier: store.verifier });
  say(`  create  Alice (laptop): moderated room "Release team" (Alice has role ${state.participants[0]?.role}, the owner)`);
  let kps = [await generateKeyPackage(a2!)];
  await hub.commit(a1!, "add Alice's phone", await hub.room(a1!).addOwnClient(kps[0]!.keyPackage), kps);
  kps = await Promise.all([generateKeyPackage(b1!), generateKeyPackage(b2!)]);
  await hub.commit(a1!, 'invite Bob (2 clients, one commit with the participant-list update)', await hub.room(a1!).addParticipant(BOB, ORDINARY, kps.map((k) => k.keyPackage)), kps);
  kps = await Promise.all([generateKeyPackage(c1!), generateKeyPackage(c2!)]);
  await hub.commit(a2!, 'invite Carol from b.example (2 clients)', await hub.room(a2!).addParticipant(CAROL, ORDINARY, kps.map((k) => k.keyPackage)), kps);
  await hub.commit(a1!, 'make Carol a moderator', await hub.room(a1!).changeRole(CAROL, MODERATOR));

  try {
    await hub.room(b1!).kick(CAROL);
    throw new MimiError('demo/policy-bypassed', 'an ordinary user kicked a moderator');
  } catch (e) {
    if (!(e instanceof MimiError) || e.code === 'demo/policy-bypassed') throw e;
    say(`  refused Bob (laptop) tries to kick Carol: ${e.code}${refusalOf(e)}; his own client refuses to build the commit`);
  }

  say('2. messages (MLS application messages carrying MIMI content; every receiver computes the ID on the bytes it decrypted)');
  const hello = await hub.send(a1!, 'markdown message', (o) => markdown('We just shipped **release 2.0**. __Good  work__!', o));
  await hub.send(b2!, 'reply to Alice', (o) => reply(hello, 'Congrats! 🎉', o));
  const heart = await hub.send(c1!, "reaction ❤ to Alice's message", (o) => reaction(hello, '❤', o));
  await hub.send(a2!, "edit of Alice's message (2.0 → 2.0.1)", (o) => edit(hello, 'We just shipped **release 2.0.1**. __Good  work__!', o));
  await hub.send(b1!, 'attachment (external part)', (o) => attachment({ url: 'https://a.example/files/notes.pdf', contentType: 'application/pdf', size: 48_213, filename: 'release-notes.pdf', description: 'Release notes' }, o));
  const party = await hub.send(c2!, 'alternatives (plain text or markdown)', (o) => alternatives([singlePart('text/plain;charset=utf-8', 'Ship party at 5'), singlePart('text/markdown;variant=GFM-MIMI', 'Ship party at **5**')], o));
  await hub.send(b2!, "reaction 👍 to Carol's message", (o) => reaction(party, '👍', o));
  await hub.send(a1!, 'mention of Carol', (o) => mention(['Thanks ', { uri: CAROL, display: 'Carol' }, ' for the review'], { ...o, format: 'markdown' }));
  await hub.send(b1!, 'expiring message (1 hour)', (o) => expiring('The staging password is in the vault', { relative: true, time: 3600 }, o));
  await hub.send(c1!, 'unlike: Carol withdraws her ❤', (o) => unlike(heart, o));
  const rude = await hub.send(b2!, 'plain text message', (o) => plainText('this release is garbage', o));
  await hub.send(c2!, "delete of Bob's message (by Carol, a moderator)", (o) => deleteMessage(rude, o));

  say('3. moderation');
  await hub.commit(c1!, 'ban Bob (both his clients removed)', await hub.room(c1!).ban(BOB));
  await hub.send(a1!, 'plain text message', (o) => plainText('Bob is banned for now', o));
  await hub.commit(c2!, 'unban Bob', await hub.room(c2!).unban(BOB, ORDINARY));
  kps = await Promise.all([generateKeyPackage(b1!), generateKeyPackage(b2!)]);
  await hub.commit(c2!, "re-add Bob's clients", await hub.room(c2!).addClients(kps.map((k) => k.keyPackage)), kps);
  await hub.send(b1!, 'plain text message', (o) => plainText('Sorry, everyone.', o));

  const sent = hub.sent.length;
  const { entries, modifiers } = expectedEntries(hub.sent);
  say(`4. what every client sees: ${plural(sent, 'message')} sent; ${modifiers} change other entries instead of adding`);
  say(`   one, so a client that received all of them shows ${plural(entries, 'entry').replace('entrys', 'entries')}. Each client keeps its own conversation,`);
  say('   rendered with mimi-kit/fallback as plain text; clients whose views are identical are listed together.');
  const now = hub.clock + 60_000;
  const displayName = (uri: string) => NAMES[uri];
  const all = [...hub.clients()];
  const views = all.map((c) => {
    const conv = hub.conversation(c);
    return conv.view(now).entries.map((e) => {
      const time = new Date(e.hubTimestamp).toISOString().slice(11, 16);
      const body = conv.render(e, { displayName }, now).text.replace(/\n/g, ' ⏎ ');
      const reactions = e.reactions.map((r) => ` [${r.key} ${r.count}]`).join('');
      return { id: e.id, line: `    ${time} ${displayName(e.sender)}: ${body}${reactions}` };
    });
  });
  const texts = views.map((v) => v.map((e) => e.line).join('\n'));
  const shown = new Set<string>();
  for (let i = 0; i < all.length; i++) {
    if (shown.has(texts[i]!)) continue;
    shown.add(texts[i]!);
    const same = all.filter((_, j) => texts[j] === texts[i]);
    const missed = all[i]!.missed.size;
    const names = same.map((c) => clientName(c.id.clientUri, c.id.userUri)).join(', ');
    say(`  ${names}: ${views[i]!.length} entries${missed > 0 ? ` (missed ${plural(missed, 'message')} sent while out of the room)` : ''}`);
    say(texts[i]!);
  }
  // Every client must show what a client that received everything shows, minus the messages it could not read.
  const full = all.findIndex((c) => c.missed.size === 0);
  const agree = all.every((c, i) => texts[i] === views[full]!.filter((e) => !c.missed.has(e.id)).map((e) => e.line).join('\n'));
  const complete = views[full]!.length === entries;
  const epochs = new Set(all.map((c) => hub.room(c.id).epoch));
  const missedBy = all.filter((c) => c.missed.size > 0).length;
  say(
    `5. checks: all ${all.length} client views ${agree ? 'agree' : 'DIFFER'} (${all.length - missedBy} identical; ${missedBy} equal to them without the messages they could not read);`,
  );
  say(`   ${views[full]!.length} entries ${complete ? '=' : '≠'} ${entries} expected; all ${all.length} clients at epoch ${[...epochs].join(', ')}; b.example received ${b.received} copies of commits and messages from the hub`);
  say(`done in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  return agree && complete && epochs.size === 1 ? 0 : 1;
}

function refusalOf(e: MimiError): string {
  const refusal = e.details?.['refusal'] as { code?: string; capability?: string } | undefined;
  return refusal?.code ? ` (${refusal.code}${refusal.capability ? `: ${refusal.capability}` : ''})` : '';
}

/**
 * The `mimi demo` command.
 *
 * @example
 * ```ts
 * await runCli(['demo']); // prints the run and its checks; 0 when every check passes
 * ```
 */
export const commands: readonly CliCommand[] = [
  {
    name: 'demo',
    args: '',
    positionals: { min: 0, max: 0 },
    options: {},
    summary: 'an encrypted room across two providers: content, moderation, every view',
    run: (_args, io) => runDemo(io),
  },
];
