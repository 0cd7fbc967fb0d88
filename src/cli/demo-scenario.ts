/**
 * The room scenario of `mimi demo`, independent of where the providers run: membership changes (each commit
 * checked by the hub and by every other member), every kind of content, moderation, a leave by proposals, and every client's
 * rendered view compared at the end. The caller gives one {@link ClientOperations} per provider domain.
 *
 * @module
 */
import { generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { alternatives, attachment, deleteMessage, edit, expiring, markdown, mention, plainText, reaction, reply, singlePart, unlike } from '../content/index.js';
import { MimiError } from '../errors.js';
import { createClientIdentity, createRoom, encodeClientIdentity, generateKeyPackage, type ClientIdentity, type KeyPackageBundle } from '../mls/index.js';
import { basicCredential, encodeKeyMaterialRequest, signKeyMaterialRequest } from '../protocol/index.js';
import { createRoom as createRoomState, roomStateToJson } from '../room/index.js';
import type { ClientOperations } from '../provider/localApi.js';
import { DemoRoom, NAMES, TrustStore, clientName, plural } from './demo-room.js';

/** The demo room and its users. */
export const ROOM = 'mimi://a.example/r/release-team';
const ALICE = 'mimi://a.example/u/alice';
const BOB = 'mimi://a.example/u/bob';
const CAROL = 'mimi://b.example/u/carol';
Object.assign(NAMES, { [ALICE]: 'Alice', [BOB]: 'Bob', [CAROL]: 'Carol' });
// Moderated preset (draft-ietf-mimi-room-policy, "Moderated room"): 4 = ordinary user, 5 = moderator.
const ORDINARY = 4;
const MODERATOR = 5;

/** Kinds of message that change another entry of the view instead of adding one (draft-ietf-mimi-content §5.3–5.6). */
const MODIFIERS = ['edit', 'reaction', 'unlike', 'delete'] as const;

/** How many sent messages of each modifying kind, and how many view entries the rest yield. */
function expectedEntries(sent: readonly { kind: string }[]): { entries: number; modifiers: string } {
  const count = (k: string) => sent.filter((m) => m.kind.split(' ')[0]!.replace(/:$/, '') === k).length;
  const modifiers = MODIFIERS.map((k) => [k, count(k)] as const).filter(([, n]) => n > 0);
  const entries = sent.length - modifiers.reduce((t, [, n]) => t + n, 0);
  return { entries, modifiers: modifiers.map(([k, n]) => plural(n, k)).join(', ') };
}

function refusalOf(e: MimiError): string {
  const refusal = e.details?.['refusal'] as { code?: string; capability?: string } | undefined;
  return refusal?.code ? ` (${refusal.code}${refusal.capability ? `: ${refusal.capability}` : ''})` : '';
}

/** What {@link runScenario} needs. */
export interface ScenarioOptions {
  /** The local client API of each provider, by domain (`a.example` hubs the room, `b.example` is Carol's). */
  readonly providers: Readonly<Record<string, ClientOperations>>;
  /** Lines that say where the providers run (printed first). */
  readonly intro: readonly string[];
  /** Prints one line. */
  readonly say: (line: string) => void;
  /** Called after the conversation part, before the views (e.g. to print what crossed the wire). */
  readonly beforeViews?: () => Promise<void>;
}

/**
 * Runs the scenario.
 *
 * @param options - providers, intro, output
 * @returns true when every check passed
 * @example
 * ```ts
 * const ok = await runScenario({ providers: { 'a.example': a, 'b.example': b }, intro: [], say: console.log });
 * ```
 */
export async function runScenario(options: ScenarioOptions): Promise<boolean> {
  const t0 = performance.now();
  const { say } = options;
  const trust = new TrustStore();
  const signKeys = new Map<string, Uint8Array>();
  // draft-ietf-mimi-protocol-06 §5.2: the requesting client signs its KeyMaterialRequest with its own key.
  const keyMaterialRequest = (by: ClientIdentity, user: string): Uint8Array =>
    encodeKeyMaterialRequest(
      signKeyMaterialRequest(
        {
          requestingUser: by.userUri,
          targetUser: user,
          roomId: ROOM,
          acceptableCiphersuites: [1],
          requiredCapabilities: { extensionTypes: [], proposalTypes: [], credentialTypes: [] },
          requesterSignatureKey: by.signaturePublicKey,
          requesterCredential: basicCredential(encodeClientIdentity(by.userUri, by.clientUri)),
        },
        1,
        signKeys.get(by.clientUri)!,
      ),
    );
  const hub = new DemoRoom(ROOM, options.providers, trust, say, keyMaterialRequest);
  const device = async (user: string, n: string) => {
    const [, , host, , local] = user.split('/');
    const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
    const signatureKeys = { signKey: new Uint8Array(Buffer.from(jwk.d!, 'base64url')), publicKey: new Uint8Array(Buffer.from(jwk.x!, 'base64url')) };
    const id = await createClientIdentity({ userUri: user, clientUri: `mimi://${host}/d/${local}/${n}`, signatureKeys });
    signKeys.set(id.clientUri, signatureKeys.signKey);
    trust.issue(id);
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
  /** Fresh key packages, published by each client at its own provider. */
  const publish = async (...ids: (typeof a1)[]): Promise<KeyPackageBundle[]> => {
    const kps = await Promise.all(ids.map((id) => generateKeyPackage(id!)));
    await hub.publish(kps);
    return kps;
  };

  for (const line of options.intro) say(line);
  say('1. membership (every commit is a public MLS message: the hub checks it against the room policy, and so does every other member)');
  const state = createRoomState({ preset: 'moderated', creator: ALICE, roomUri: ROOM, name: 'Release team' });
  const created = await createRoom({ identity: a1!, roomUri: ROOM, roomState: state, verifier: trust.verifier });
  hub.client(a1!).room = created;
  const group = created.groupView();
  await options.providers['a.example']!.createRoom({ roomId: ROOM, epoch: Number(created.epoch), roomState: roomStateToJson(group.state), members: group.members, extensions: group.extensions });
  say(`  create  Alice (laptop): moderated room "Release team" at its hub a.example (Alice has role ${state.participants[0]?.role}, the owner)`);
  let kps = await publish(a2);
  await hub.commit(a1!, "add Alice's phone", await hub.room(a1!).addOwnClient((await hub.claim(a1!, ALICE))[0]!), kps);
  kps = await publish(b1, b2);
  await hub.commit(a1!, 'invite Bob (2 clients, one commit with the participant-list update)', await hub.room(a1!).addParticipant(BOB, ORDINARY, await hub.claim(a1!, BOB)), kps);
  kps = await publish(c1, c2);
  await hub.commit(a2!, 'invite Carol from b.example (2 clients; key packages claimed from b.example)', await hub.room(a2!).addParticipant(CAROL, ORDINARY, await hub.claim(a2!, CAROL)), kps);
  await hub.commit(a1!, 'make Carol a moderator', await hub.room(a1!).changeRole(CAROL, MODERATOR));
  await hub.race(a2!, c1!, 'key update', (room) => room.update());

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

  say('3. moderation and a leave (Carol, on b.example, commits through her provider; b.example forwards to the hub)');
  await hub.commit(c1!, 'ban Bob (both his clients removed)', await hub.room(c1!).ban(BOB));
  await hub.send(a1!, 'plain text message', (o) => plainText('Bob is banned for now', o));
  await hub.commit(c2!, 'unban Bob', await hub.room(c2!).unban(BOB, ORDINARY));
  kps = await publish(b1, b2);
  await hub.commit(c2!, "re-add Bob's clients (key packages claimed from a.example)", await hub.room(c2!).addClients(await hub.claim(c2!, BOB)), kps);
  await hub.send(b1!, 'plain text message', (o) => plainText('Sorry, everyone.', o));
  // draft-ietf-mimi-protocol-06 §5.3 proposal bundle: Bob's proposals stay at a.example (his provider is the hub);
  // Carol, at b.example, holds them from the fanout and commits them through her provider.
  await hub.leave(b2!, c2!);

  if (options.beforeViews) await options.beforeViews();
  const ok = showViews(hub, say);
  say(`   the room ran in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  return ok;
}

/** Sections 4 and 5: every client's view, grouped when identical, and the checks. */
function showViews(hub: DemoRoom, say: (line: string) => void): boolean {
  const sent = hub.sent.length;
  const { entries, modifiers } = expectedEntries(hub.sent);
  say(`4. what every client sees: ${plural(sent, 'message')} sent; ${modifiers} change other entries instead of adding`);
  say(`   one, so a client that received all of them shows ${plural(entries, 'entry').replace('entrys', 'entries')}. Each client keeps its own conversation,`);
  say('   rendered with mimi-kit/fallback as plain text; clients whose views are identical are listed together.');
  const now = hub.lastHubTime + 60_000;
  const displayName = (uri: string) => NAMES[uri];
  const all = [...hub.clients.values()];
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
  // Clients that left are not in the room's current epoch: the members are.
  const members = all.filter((c) => hub.room(c.id).isMember);
  const epochs = new Set(members.map((c) => hub.room(c.id).epoch));
  const missedBy = all.filter((c) => c.missed.size > 0).length;
  const left = all.length - members.length;
  say(`5. checks: all ${all.length} client views ${agree ? 'agree' : 'DIFFER'} (${all.length - missedBy} identical; ${missedBy} equal to them without the messages they could not read);`);
  say(`   ${views[full]!.length} entries ${complete ? '=' : '≠'} ${entries} expected; all ${members.length} member clients at epoch ${[...epochs].join(', ')}${left > 0 ? ` (${plural(left, 'client')} left the room)` : ''}`);
  return agree && complete && epochs.size === 1 && members.length > 0;
}
