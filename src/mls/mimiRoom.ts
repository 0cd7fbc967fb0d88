/**
 * A MIMI room as seen by one client (RFC 9420, draft-ietf-mimi-protocol §3.2 and §8): MLS group state plus room
 * state. Users are participants (room state in the app_data_dictionary GroupContext extension), their clients
 * are MLS members; handshake messages are PublicMessages, application messages PrivateMessages. Every commit,
 * ours and others', goes through `mimi-kit/room`'s commit check, the one the hub runs too.
 *
 * Rooms are immutable values: every operation returns a new {@link MimiRoom}; a refused or failed operation
 * throws and leaves the previous room usable. Created by `lifecycle.ts` (createRoom, joinFromWelcome, loadRoom).
 *
 * @module
 */
import { createApplicationMessage, encodeGroupState, encodeMlsMessage, type ClientState, type Proposal } from 'ts-mls';
import { planRoomOperation, ROLE_BANNED, type GroupView, type RoomMetadata, type RoomMetadataChanges, type RoomOperation, type RoomState } from '../room/index.js';
import { decryptApplication, encryptApplication } from './application.js';
import { pathRequired } from './commit.js';
import { mlsError } from './errors.js';
import { decodeExternalSenders, EXTERNAL_SENDERS_TYPE, type ExternalSender } from './externalSenders.js';
import { processHandshakeMessage } from './handshake.js';
import { receivedKeyPackage } from './keyPackages.js';
import { buildCommit, buildProposals } from './outgoing.js';
import { groupViewOf, identityOfKeyPackage, membersOf, roomStateOf, type LeafMember } from './policy.js';
import { encodeSavedRoom } from './savedState.js';
import { roomChangeProposal, ROOM_TAG, type Inner } from './roomInternals.js';
import type { CommitOutcome, DecryptedContent, HandshakeResult, RoomMember } from './roomTypes.js';

/**
 * RFC 9420 §17.4 "Path Required": whether a commit with these proposal types needs an UpdatePath
 * (update, remove, external_init, group_context_extensions, or no proposal at all).
 *
 * @param proposalTypes - ts-mls proposal type names (`add`, `remove`, `group_context_extensions`, …)
 * @returns true when RFC 9420 requires a path
 * @example
 * ```ts
 * commitRequiresPath(['add']); // false
 * commitRequiresPath(['add', 'group_context_extensions']); // true
 * ```
 */
export function commitRequiresPath(proposalTypes: readonly string[]): boolean {
  return pathRequired(proposalTypes);
}

/**
 * A MIMI room as seen by one client: MLS group state plus room state. Immutable: operations return
 * a new room; keep the old one until the hub accepted the commit.
 *
 * @example
 * ```ts
 * const { commit, room: next } = await room.changeRole(bobUri, 5);
 * hub.submit(commit).then(() => (room = next));
 * ```
 */
export class MimiRoom {
  readonly #i: Inner;

  /** @internal use {@link createRoom}, {@link joinFromWelcome} or {@link loadRoom} */
  constructor(inner: unknown) {
    if (typeof inner !== 'object' || inner === null || !(ROOM_TAG in inner)) throw mlsError('mls/bad-state', 'use createRoom, joinFromWelcome or loadRoom');
    this.#i = inner as Inner;
  }

  /** The room URI (also the MLS group_id, UTF-8; decision D4). */
  get roomUri(): string {
    return this.#i.roomUri;
  }

  /** The MLS epoch. */
  get epoch(): bigint {
    return this.#i.state.groupContext.epoch;
  }

  /** Whether this client is still a member. */
  get isMember(): boolean {
    return this.#i.state.groupActiveState.kind === 'active';
  }

  /** This client's leaf index. */
  get ownLeafIndex(): number {
    return this.#i.state.privatePath.leafIndex;
  }

  /** This client as a member. */
  get self(): RoomMember {
    const m = membersOf(this.#i.state.ratchetTree).get(this.ownLeafIndex);
    if (m === undefined) throw mlsError('mls/not-member', 'this client is no longer a member');
    return m;
  }

  /** The members (clients) of the group, by leaf index. */
  get members(): readonly RoomMember[] {
    return [...membersOf(this.#i.state.ratchetTree).values()];
  }

  /** The room state carried in the group context (participant list, roles, metadata, policy). */
  get roomState(): RoomState {
    const members = membersOf(this.#i.state.ratchetTree);
    return roomStateOf(this.#i.state.groupContext.extensions, members);
  }

  /**
   * The GroupContext's `external_senders` (RFC 9420 §12.1.8.1, a list; decoded by mimi-kit, decision D25):
   * who may send external proposals. Empty when the extension is absent.
   *
   * @throws {@link MimiError} `mls/bad-extension` when the extension does not decode as the list
   */
  get externalSenders(): readonly ExternalSender[] {
    const e = this.#i.state.groupContext.extensions.find((x) => x.extensionType === 'external_senders' || x.extensionType === EXTERNAL_SENDERS_TYPE);
    return e === undefined ? [] : decodeExternalSenders(e.extensionData);
  }

  /**
   * The group as `mimi-kit/room`'s commit check sees it (room state, roster by leaf index, GroupContext
   * extensions): what a hub needs to check this room's commits (`mlsRoomSnapshot` of `mimi-kit/delivery`).
   *
   * @example
   * ```ts
   * await hub.createRoom(room.roomUri, mlsRoomSnapshot(room.groupView(), Number(room.epoch)));
   * ```
   */
  groupView(): GroupView {
    return groupViewOf(this.#i.state);
  }

  /** Number of pending (received, uncommitted) proposals. */
  get pendingProposals(): number {
    return Object.keys(this.#i.state.unappliedProposals).length;
  }

  #with(state: ClientState, seen?: readonly string[]): MimiRoom {
    // Same epoch: same sending ratchet lineage, share the guard. New epoch: fresh secret tree, fresh guard.
    const sameEpoch = state.groupContext.epoch === this.#i.state.groupContext.epoch;
    const guard = sameEpoch ? this.#i.guard : { encrypts: 0 };
    return new MimiRoom({ ...this.#i, state, seen: seen ?? this.#i.seen, guard, guardSeen: sameEpoch ? this.#i.guardSeen : 0 });
  }

  #user(): string {
    return this.self.userUri;
  }

  #clientsOf(userUri: string): LeafMember[] {
    return [...membersOf(this.#i.state.ratchetTree).values()].filter((m) => m.userUri === userUri);
  }

  #requireMember(): void {
    if (!this.isMember) throw mlsError('mls/not-member', 'this client is no longer a member of the room');
  }

  /**
   * Creates, authorizes (unless `authorize: false`, for tests of receivers) and signs a commit.
   * @internal
   */
  async commitWith(proposals: readonly unknown[], newRoomState: RoomState | undefined, opts: { authorize?: boolean } = {}): Promise<CommitOutcome> {
    this.#requireMember();
    const { state, ...res } = await buildCommit(this.#i, proposals as readonly Proposal[], newRoomState, opts.authorize !== false);
    return { ...res, room: this.#with(state) };
  }

  /**
   * The room after `op` by this client's user: `mimi-kit/room`'s transition (the only way a participant list
   * changes), refused locally as `mls/policy-refused` with the engine's refusal.
   */
  #plan(op: RoomOperation): { state: RoomState; dropClientsOf: readonly string[] } {
    const actor = this.#user();
    const r = planRoomOperation(this.roomState, actor, op);
    if (!r.ok) throw mlsError('mls/policy-refused', `refused by room policy: ${r.refusal.message}`, { refusal: { ...r.refusal, actor, action: op } });
    return { state: r.state, dropClientsOf: r.clients.remove };
  }

  /** Removes of every client of the users in `users`. */
  #removeClientsOf(users: readonly string[]): Proposal[] {
    return users.flatMap((u) => this.#removeAll(u));
  }

  /**
   * Adds a participant with all of the given clients in one commit, together with the
   * participant-list update (draft-ietf-mimi-protocol §8.5).
   *
   * @param userUri - the new participant
   * @param role - their role_index
   * @param keyPackages - one key package per client of that user (may be empty: inactive participant)
   * @returns the commit, the Welcome and the room after the commit
   * @throws {@link MimiError} `mls/bad-key-package` (not that user's), `mls/policy-refused`, `mls/credential-rejected`
   * @example
   * ```ts
   * const { commit, welcome, room: next } = await room.addParticipant(bobUri, 2, [bob1Kp, bob2Kp]);
   * ```
   */
  async addParticipant(userUri: string, role: number, keyPackages: readonly Uint8Array[]): Promise<CommitOutcome> {
    const kps = keyPackages.map(receivedKeyPackage);
    for (const kp of kps) {
      if (identityOfKeyPackage(kp).userUri !== userUri) throw mlsError('mls/bad-key-package', `key package is not a client of ${userUri}`);
    }
    const { state: next } = this.#plan({ type: 'invite', user: userUri, role, active: kps.length > 0 });
    return this.commitWith(kps.map((keyPackage) => ({ proposalType: 'add', add: { keyPackage } })), next);
  }

  /**
   * Adds clients of an existing participant (e.g. one's own new device, or an unbanned user's clients).
   *
   * @param keyPackages - key packages of clients of one participant
   * @returns the commit and Welcome
   * @throws {@link MimiError} `mls/bad-key-package`, `mls/policy-refused`
   * @example
   * ```ts
   * const { commit, welcome } = await room.addClients([alice2Kp]);
   * ```
   */
  async addClients(keyPackages: readonly Uint8Array[]): Promise<CommitOutcome> {
    const kps = keyPackages.map(receivedKeyPackage);
    return this.commitWith(kps.map((keyPackage) => ({ proposalType: 'add', add: { keyPackage } })), undefined);
  }

  /**
   * Adds another client of this client's own user (canAddOwnClient).
   *
   * @param keyPackage - the new client's key package
   * @returns the commit and Welcome
   * @throws {@link MimiError} `mls/bad-key-package` when the key package is another user's
   * @example
   * ```ts
   * const { commit, welcome } = await room.addOwnClient(alice2Kp.keyPackage);
   * ```
   */
  async addOwnClient(keyPackage: Uint8Array): Promise<CommitOutcome> {
    const kp = receivedKeyPackage(keyPackage);
    if (identityOfKeyPackage(kp).userUri !== this.#user()) throw mlsError('mls/bad-key-package', 'key package is not a client of this user');
    return this.commitWith([{ proposalType: 'add', add: { keyPackage: kp } }], undefined);
  }

  /**
   * Removes another client of this client's own user; the user stays a participant (canRemoveOwnClient).
   *
   * @param clientUri - the client to remove (not this one)
   * @returns the commit
   * @throws {@link MimiError} `mls/not-found`, `mls/policy-refused`
   * @example
   * ```ts
   * const { commit } = await room.removeOwnClient('mimi://a.example/d/alice/2');
   * ```
   */
  async removeOwnClient(clientUri: string): Promise<CommitOutcome> {
    const m = this.#clientsOf(this.#user()).find((c) => c.clientUri === clientUri);
    if (m === undefined) throw mlsError('mls/not-found', `${clientUri} is not a client of this user in the room`);
    if (m.leafIndex === this.ownLeafIndex) throw mlsError('mls/unsupported', 'a client cannot commit its own removal; use leave()');
    return this.commitWith([{ proposalType: 'remove', remove: { removed: m.leafIndex } }], undefined);
  }

  #removeAll(userUri: string): Proposal[] {
    return this.#clientsOf(userUri).map((m) => ({ proposalType: 'remove', remove: { removed: m.leafIndex } }) as Proposal);
  }

  #requireParticipant(userUri: string): number {
    const p = this.roomState.participants.find((x) => x.user === userUri);
    if (p === undefined) throw mlsError('mls/not-found', `${userUri} is not a participant`);
    return p.role;
  }

  /**
   * Kicks a user: removes all of their clients, they stay in the participant list (canKick,
   * draft-ietf-mimi-room-policy §6.3).
   *
   * @param userUri - the user
   * @returns the commit
   * @throws {@link MimiError} `mls/not-found`, `mls/policy-refused`
   * @example
   * ```ts
   * const { commit } = await room.kick(bobUri);
   * ```
   */
  async kick(userUri: string): Promise<CommitOutcome> {
    this.#requireParticipant(userUri);
    return this.commitWith(this.#removeAll(userUri), undefined);
  }

  /**
   * Removes a participant and all of their clients (canRemoveParticipant).
   *
   * @param userUri - the user
   * @returns the commit
   * @throws {@link MimiError} `mls/not-found`, `mls/policy-refused`
   * @example
   * ```ts
   * const { commit } = await room.removeParticipant(bobUri);
   * ```
   */
  async removeParticipant(userUri: string): Promise<CommitOutcome> {
    this.#requireParticipant(userUri);
    const { state: next } = this.#plan({ type: 'remove', user: userUri });
    return this.commitWith(this.#removeAll(userUri), next);
  }

  /**
   * Bans a user: role 1 ("banned") and all of their clients removed (canBan).
   *
   * @param userUri - the user
   * @returns the commit
   * @throws {@link MimiError} `mls/not-found`, `mls/policy-refused`
   * @example
   * ```ts
   * const { commit } = await room.ban(bobUri);
   * ```
   */
  async ban(userUri: string): Promise<CommitOutcome> {
    this.#requireParticipant(userUri);
    const { state: next } = this.#plan({ type: 'ban', user: userUri });
    return this.commitWith(this.#removeAll(userUri), next);
  }

  /**
   * Unbans a user: role 1 → `role` (canUnban). Their clients are not added (add them afterwards).
   *
   * @param userUri - the banned user
   * @param role - the new role
   * @returns the commit
   * @throws {@link MimiError} `mls/not-found`, `mls/policy-refused`
   * @example
   * ```ts
   * const { commit } = await room.unban(bobUri, 2);
   * ```
   */
  async unban(userUri: string, role: number): Promise<CommitOutcome> {
    if (this.#requireParticipant(userUri) !== ROLE_BANNED) throw mlsError('mls/not-found', `${userUri} is not banned`);
    const { state: next, dropClientsOf } = this.#plan({ type: 'unban', user: userUri, role });
    return this.commitWith(this.#removeClientsOf(dropClientsOf), next);
  }

  /**
   * Changes a participant's role (canChangeUserRole).
   *
   * @param userUri - the participant
   * @param role - the new role_index
   * @returns the commit (clients are removed too when the new role allows no active participants)
   * @throws {@link MimiError} `mls/not-found`, `mls/policy-refused`
   * @example
   * ```ts
   * const { commit } = await room.changeRole(bobUri, 3);
   * ```
   */
  async changeRole(userUri: string, role: number): Promise<CommitOutcome> {
    this.#requireParticipant(userUri);
    const { state: next, dropClientsOf } = this.#plan({ type: 'changeRole', user: userUri, role });
    // A role with maximum_active_participants_constraint 0 (e.g. banned) takes the user's clients out.
    return this.commitWith(this.#removeClientsOf(dropClientsOf), next);
  }

  /**
   * Replaces the room metadata (draft-ietf-mimi-protocol §8.6).
   *
   * @param metadata - the new metadata (its roomUri must be this room's or empty)
   * @returns the commit
   * @throws {@link MimiError} `mls/room-mismatch`, `mls/policy-refused`
   * @example
   * ```ts
   * const { commit } = await room.setMetadata({ ...room.roomState.metadata!, name: 'New name' });
   * ```
   */
  async setMetadata(metadata: RoomMetadata): Promise<CommitOutcome> {
    if (metadata.roomUri !== '' && metadata.roomUri !== this.roomUri) throw mlsError('mls/room-mismatch', 'metadata roomUri is another room');
    const cur = this.roomState.metadata;
    const changes: { -readonly [K in keyof RoomMetadataChanges]: RoomMetadataChanges[K] } = {};
    if (cur?.name !== metadata.name) changes.name = metadata.name;
    if (JSON.stringify(cur?.descriptions) !== JSON.stringify(metadata.descriptions)) changes.descriptions = metadata.descriptions;
    if (cur?.avatar !== metadata.avatar) changes.avatar = metadata.avatar;
    if (cur?.subject !== metadata.subject) changes.subject = metadata.subject;
    if (cur?.mood !== metadata.mood) changes.mood = metadata.mood;
    return this.commitWith([], this.#plan({ type: 'setRoomMetadata', changes }).state);
  }

  /**
   * Commits a whole new room state (roles, policy, …) in one GroupContextExtensions commit.
   *
   * @param roomState - the new state
   * @returns the commit
   * @throws {@link MimiError} `mls/policy-refused`
   * @example
   * ```ts
   * const { commit } = await room.setRoomState(next);
   * ```
   */
  async setRoomState(roomState: RoomState): Promise<CommitOutcome> {
    return this.commitWith([], roomState);
  }

  /**
   * An empty commit: fresh path secrets for this client (RFC 9420 §12.4, post-compromise security).
   *
   * @returns the commit
   * @throws {@link MimiError} `mls/not-member`
   * @example
   * ```ts
   * const { commit } = await room.update();
   * ```
   */
  async update(): Promise<CommitOutcome> {
    return this.commitWith([], undefined);
  }

  /**
   * Commits the pending proposals (e.g. another user's leave).
   *
   * @returns the commit
   * @throws {@link MimiError} `mls/not-found` (nothing pending), `mls/policy-refused`
   * @example
   * ```ts
   * const { commit } = await room.commitPending();
   * ```
   */
  async commitPending(): Promise<CommitOutcome> {
    if (this.pendingProposals === 0) throw mlsError('mls/not-found', 'no pending proposals');
    return this.commitWith([], undefined);
  }

  /**
   * Leaves the room: proposals (PublicMessages) removing this user from the participant list and
   * all of its clients. Another member commits them ({@link MimiRoom.commitPending}): RFC 9420
   * §12.2 forbids a committer to remove itself.
   *
   * @returns the proposals for the hub and the room holding them
   * @throws {@link MimiError} `mls/policy-refused`
   * @example
   * ```ts
   * const { proposals, room: leaving } = await room.leave();
   * ```
   */
  async leave(): Promise<{ proposals: Uint8Array[]; room: MimiRoom }> {
    this.#requireMember();
    const user = this.#user();
    const { state: next } = this.#plan({ type: 'leave' });
    const props: Proposal[] = [...this.#removeAll(user), roomChangeProposal(this.#i.state.groupContext.extensions, next)];
    const { proposals: out, state: s } = await buildProposals(this.#i, props);
    return { proposals: out, room: this.#with(s) };
  }

  /**
   * Processes a handshake message (proposal or commit, as a PublicMessage) from the hub: checks the
   * sender, replay, epoch, UpdatePath and room policy, then applies it.
   *
   * @param bytes - the encoded MLSMessage
   * @returns the new room and what changed
   * @throws {@link MimiError} `mls/bad-message`, `mls/wrong-group`, `mls/not-member`, `mls/replay`,
   *   `mls/epoch-too-old`, `mls/wrong-epoch`, `mls/path-missing`, `mls/policy-refused` (refusal in
   *   `details.refusal`), `mls/credential-rejected`, `mls/invalid-commit`. The room is unchanged.
   * @example
   * ```ts
   * const { room: next, added } = await room.processHandshake(commitBytes);
   * ```
   */
  async processHandshake(bytes: Uint8Array): Promise<HandshakeResult> {
    const p = await processHandshakeMessage(this.#i, this.isMember, bytes);
    const { state, seen, ...result } = p;
    return { room: this.#with(state, seen), ...result };
  }

  /**
   * Encrypts bytes as an application message without any content check (tests of receivers only).
   * @internal
   */
  async encryptUnchecked(bytes: Uint8Array): Promise<{ message: Uint8Array; room: MimiRoom }> {
    const res = await createApplicationMessage(this.#i.state, bytes, this.#i.cs);
    return {
      message: encodeMlsMessage({ version: 'mls10', wireformat: 'mls_private_message', privateMessage: res.privateMessage }),
      room: this.#with(res.newState),
    };
  }

  /**
   * Encrypts MIMI content bytes as an MLS application message (PrivateMessage).
   *
   * The content's senderUri/roomUri extensions, when present, must be this user and this room.
   * The returned room replaces this one: this room can no longer encrypt (nonce reuse guard).
   *
   * @param contentBytes - encoded MIMI content (draft-ietf-mimi-content)
   * @param options - `authenticatedData`: the PrivateMessage's authenticated_data (RFC 9420 §6.3), e.g.
   *   `encodeSafeAad([{ componentId: FRANK_AAD_COMPONENT_ID, data: encodeFrankAad(frankingTag(salt, contentBytes)) }])`
   *   for a franked message (draft-ietf-mimi-protocol-06 "Client creation and sending"); empty by default
   * @returns the MLSMessage bytes and the next room
   * @throws {@link MimiError} `mls/sender-mismatch`, `mls/room-mismatch`, `mls/bad-state` (this room already
   *   encrypted, or proposals pending), `mls/not-member`, `content/*`
   * @example
   * ```ts
   * const { message, room: next } = await room.encryptContent(encodeContent(c));
   * ```
   */
  async encryptContent(contentBytes: Uint8Array, options: { readonly authenticatedData?: Uint8Array } = {}): Promise<{ message: Uint8Array; room: MimiRoom }> {
    this.#requireMember();
    if (this.#i.guard.encrypts !== this.#i.guardSeen) {
      throw mlsError('mls/bad-state', 'another value of this room already encrypted in this epoch; use the room that encryptContent returned');
    }
    const res = await encryptApplication(this.#i, this.#user(), this.pendingProposals, contentBytes, options.authenticatedData);
    this.#i.guard.encrypts++;
    const next = new MimiRoom({ ...this.#i, state: res.state, guardSeen: this.#i.guard.encrypts });
    return {
      message: res.message,
      room: next,
    };
  }

  /**
   * Decrypts an application message and checks it: the sender is a member, not a replay, from a
   * retained epoch; the content's senderUri is the user of the sending client and its roomUri this room.
   *
   * @param bytes - the MLSMessage (PrivateMessage)
   * @param options - `hubTimestamp`: the hub-accepted time (ms), returned and used by content checks
   * @returns the content, its bytes, message ID, sender and the next room
   * @throws {@link MimiError} `mls/bad-message`, `mls/wrong-group`, `mls/not-member`, `mls/replay`,
   *   `mls/epoch-too-old`, `mls/wrong-epoch`, `mls/decrypt-failed`, `mls/sender-mismatch`,
   *   `mls/room-mismatch`, `content/*`. The room is unchanged.
   * @example
   * ```ts
   * const r = await room.decryptContent(bytes, { hubTimestamp: Date.now() });
   * ```
   */
  async decryptContent(bytes: Uint8Array, options: { hubTimestamp: number }): Promise<DecryptedContent> {
    const { state, seen, ...rest } = await decryptApplication(this.#i, this.isMember, bytes, options);
    return { room: this.#with(state, seen), ...rest };
  }

  /**
   * Serializes the room (MLS group state, room URI, replay window) for storage.
   * The bytes contain private keys: store them encrypted.
   *
   * @returns the bytes for {@link loadRoom}
   * @example
   * ```ts
   * const saved = room.save();
   * ```
   */
  save(): Uint8Array {
    // Decision D24: format 2, with an integrity digest (src/mls/savedState.ts).
    return encodeSavedRoom({ roomUri: this.roomUri, seen: this.#i.seen, group: encodeGroupState(this.#i.state) });
  }

  /** @internal the ts-mls state, for tests inside src/mls and test/mls only */
  get internalState(): unknown {
    return this.#i.state;
  }
}