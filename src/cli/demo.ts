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

/** The hub: orders handshakes and fans out messages; each client keeps its own room and conversation. */
class Hub {
  readonly rooms = new Map<string, MimiRoom>();
  readonly views = new Map<string, Conversation>();
  clock = Date.UTC(2026, 10, 22, 9, 0, 0);
  constructor(
    readonly store: TrustStore,
    readonly log: (line: string) => void,
  ) {}

  room(id: ClientIdentity): MimiRoom {
    return this.roomOf(id.clientUri);
  }

  roomOf(clientUri: string): MimiRoom {
    const room = this.rooms.get(clientUri);
    if (!room) throw new MimiError('demo/no-room', `${clientUri} is not in the room`);
    return room;
  }

  conversation(clientUri: string): Conversation {
    let conv = this.views.get(clientUri);
    if (!conv) {
      // Edits and deletes of others' messages are allowed when this client's copy of the room policy says so.
      conv = new Conversation({
        authorize: (req) =>
          authorize(this.roomOf(clientUri).roomState, req.actor, { type: 'message', action: req.kind === 'delete' ? 'deleteOther' : 'editOwn' })
            .allowed,
      });
      this.views.set(clientUri, conv);
    }
    return conv;
  }

  async commit(from: ClientIdentity, what: string, out: CommitOutcome, joiners: KeyPackageBundle[] = []): Promise<void> {
    let checked = 0;
    for (const [uri, room] of this.rooms) {
      if (uri === from.clientUri || !room.isMember) continue;
      this.rooms.set(uri, (await room.processHandshake(out.commit)).room);
      checked++;
    }
    this.rooms.set(from.clientUri, out.room);
    for (const kp of joiners) {
      this.rooms.set(kp.clientUri, await joinFromWelcome({ welcome: out.welcome!, keyPackage: kp, verifier: this.store.verifier }));
    }
    this.log(`  commit  ${NAMES[from.userUri]}: ${what} (epoch ${out.room.epoch}, checked against the room policy by ${checked} member client(s))`);
  }

  async send(from: ClientIdentity, build: (o: { senderUri: string; roomUri: string }) => MimiContent): Promise<Uint8Array> {
    const content = build({ senderUri: from.userUri, roomUri: ROOM });
    const bytes = encodeContent(content);
    const { message, room } = await this.room(from).encryptContent(bytes);
    this.rooms.set(from.clientUri, room);
    const hubTimestamp = (this.clock += 60_000);
    let id: Uint8Array | undefined;
    const cannotRead: string[] = [];
    for (const [uri, r] of this.rooms) {
      if (uri === from.clientUri) continue;
      if (!r.isMember) {
        // A removed client still holds its old state; it must not be able to read new messages.
        try {
          await r.decryptContent(message, { hubTimestamp });
          throw new MimiError('demo/leak', `${uri} decrypted a message sent after its removal`);
        } catch (e) {
          if (e instanceof MimiError && e.code === 'demo/leak') throw e;
          cannotRead.push(`${uri.split('/d/')[1]} (${e instanceof MimiError ? e.code : 'error'})`);
        }
        continue;
      }
      const got = await r.decryptContent(message, { hubTimestamp });
      this.rooms.set(uri, got.room);
      id = got.messageId;
      this.conversation(uri).add({ id: got.messageId, sender: got.senderUserUri, hubTimestamp: got.hubTimestamp, content: got.content });
    }
    if (!id) throw new MimiError('demo/no-recipient', 'nobody received the message');
    this.conversation(from.clientUri).add({ id, sender: from.userUri, hubTimestamp, content });
    if (cannotRead.length > 0) this.log(`  removed clients cannot read it: ${cannotRead.join(', ')}`);
    return id;
  }
}

async function runDemo(io: CliIO): Promise<number> {
  const t0 = performance.now();
  const say = (line: string) => io.stdout(line);
  const store = new TrustStore();
  const hub = new Hub(store, say);
  const device = async (user: string, n: string) => {
    const [, , host, , local] = user.split('/');
    const id = await createClientIdentity({ userUri: user, clientUri: `mimi://${host}/d/${local}/${n}` });
    store.issue(id);
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

  say(`mimi-kit demo: room ${ROOM}, hub a.example, follower b.example`);
  say('1. membership (every commit is a public MLS message; every member checks it against the room policy)');
  const state = createRoomState({ preset: 'moderated', creator: ALICE, roomUri: ROOM, name: 'Release team' });
  hub.rooms.set(a1.clientUri, await createRoom({ identity: a1, roomUri: ROOM, roomState: state, verifier: store.verifier }));
  say(`  create  Alice: moderated room "Release team" (Alice has role ${state.participants[0]?.role}, the owner)`);
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
    say(`  refused Bob tries to kick Carol: ${e.code}${refusalOf(e)}`);
  }

  say('2. messages (MLS application messages carrying MIMI content; IDs computed on the received bytes)');
  const hello = await hub.send(a1!, (o) => markdown('We just shipped **release 2.0**. __Good  work__!', o));
  await hub.send(b2!, (o) => reply(hello, 'Congrats! 🎉', o));
  const heart = await hub.send(c1!, (o) => reaction(hello, '❤', o));
  await hub.send(a2!, (o) => edit(hello, 'We just shipped **release 2.0.1**. __Good  work__!', o));
  await hub.send(b1!, (o) => attachment({ url: 'https://a.example/files/notes.pdf', contentType: 'application/pdf', size: 48_213, filename: 'release-notes.pdf', description: 'Release notes' }, o));
  await hub.send(c2!, (o) => alternatives([singlePart('text/plain;charset=utf-8', 'Ship party at 5'), singlePart('text/markdown;variant=GFM-MIMI', 'Ship party at **5**')], o));
  await hub.send(a1!, (o) => mention(['Thanks ', { uri: CAROL, display: 'Carol' }, ' for the review'], { ...o, format: 'markdown' }));
  await hub.send(b1!, (o) => expiring('The staging password is in the vault', { relative: true, time: 3600 }, o));
  await hub.send(c1!, (o) => unlike(heart, o));
  const rude = await hub.send(b2!, (o) => plainText('this release is garbage', o));
  await hub.send(c2!, (o) => deleteMessage(rude, o));
  say(`  sent 11 messages; Carol (moderator) deleted one of Bob's`);

  say('3. moderation');
  await hub.commit(c1!, 'ban Bob (both his clients removed)', await hub.room(c1!).ban(BOB));
  await hub.send(a1!, (o) => plainText('Bob is banned for now', o));
  await hub.commit(c2!, 'unban Bob', await hub.room(c2!).unban(BOB, ORDINARY));
  kps = await Promise.all([generateKeyPackage(b1!), generateKeyPackage(b2!)]);
  await hub.commit(c2!, "re-add Bob's clients", await hub.room(c2!).addClients(kps.map((k) => k.keyPackage)), kps);
  await hub.send(b1!, (o) => plainText('Sorry, everyone.', o));

  say('4. what every member sees (rendered with mimi-kit/fallback, plain text)');
  const now = hub.clock + 60_000;
  const members = [a1!, a2!, b1!, b2!, c1!, c2!];
  const displayName = (uri: string) => NAMES[uri];
  const rendered = members.map((m) => {
    const conv = hub.conversation(m.clientUri);
    return conv
      .view(now)
      .entries.map((e) => {
        const time = new Date(e.hubTimestamp).toISOString().slice(11, 16);
        const body = conv.render(e, { displayName }, now).text.replace(/\n/g, ' ⏎ ');
        const reactions = e.reactions.map((r) => ` [${r.key} ${r.count}]`).join('');
        return `  ${time} ${displayName(e.sender)}: ${body}${reactions}`;
      })
      .join('\n');
  });
  say(rendered[0]!);
  // Bob's clients missed the messages sent while he was banned; everyone else must agree exactly.
  const continuous = [a1!, a2!, c1!, c2!].map((m) => rendered[members.indexOf(m)]);
  const equal = continuous.every((r) => r === continuous[0]);
  const epochs = new Set(members.map((m) => hub.room(m).epoch));
  say(`5. checks: views of the 4 continuous members ${equal ? 'equal' : 'DIFFER'}; all 6 clients at epoch ${[...epochs].join(', ')}`);
  say(`done in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  return equal && epochs.size === 1 ? 0 : 1;
}

function refusalOf(e: MimiError): string {
  const refusal = e.details?.['refusal'] as { code?: string; capability?: string } | undefined;
  return refusal?.code ? ` (${refusal.code}${refusal.capability ? `: ${refusal.capability}` : ''})` : '';
}

/** The `mimi demo` command. */
export const commands: readonly CliCommand[] = [
  {
    name: 'demo',
    usage: 'demo',
    summary: 'an encrypted room across two providers: content, moderation, every view',
    run: (_args, io) => runDemo(io),
  },
];
