#!/usr/bin/env node
// Packs the library as npm would publish it, then checks the tarball:
// publint (strict), attw (ESM-only profile), that the packed `mimi` CLI and subpaths work
// when installed into an empty project elsewhere, and that a strict TypeScript consumer (no skipLibCheck,
// no @types of ours) compiles against it with moduleResolution node16, nodenext and bundler.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

// A consumer that imports every subpath and leans on the public types. It must compile with the
// strictest settings a user may have: the published declarations may only name types of our runtime
// dependencies (which carry their own), never a dev dependency's @types.
const CONSUMER_TS = `
import { MimiError, MIMI_ERROR_CODES, ERROR_CODES_BY_AREA, isMimiErrorCode, type MimiErrorCode, type CborErrorCode, encodeContent, plainText, decodeContent } from 'mimi-kit';
import { messageId, type MimiContent } from 'mimi-kit/content';
import { render, Conversation } from 'mimi-kit/fallback';
import { createRoom as createRoomState, authorize, REFUSAL_CODES, type RefusalCode } from 'mimi-kit/room';
import { createRoom, createClientIdentity, type MimiRoom, type MlsErrorCode } from 'mimi-kit/mls';
import { parseVectorFile } from 'mimi-kit/vectors';
import { decodeCbor, encodeCbor } from 'mimi-kit/cbor';
import { Protocol, parseDirectory, type MimiDirectory } from 'mimi-kit/protocol';
import { Hub, Follower, MemoryStore, type DeliveryStore } from 'mimi-kit/delivery';
import { SqliteStore } from 'mimi-kit/delivery/sqlite';
import { PostgresStore } from 'mimi-kit/delivery/postgres';
import { createMimiHandler, MimiHttpClient, type MimiHandler } from 'mimi-kit/http';

// Every area is handled: adding an area without handling it here is a compile error.
function areaLabel(area: keyof typeof ERROR_CODES_BY_AREA): string {
  switch (area) {
    case 'cbor': case 'tls': case 'content': case 'fallback': case 'room': case 'mls': case 'vectors': case 'cli': case 'protocol': case 'delivery': case 'http': case 'provider': return area;
    default: { const unhandled: never = area; return unhandled; }
  }
}
const meanings: Readonly<Record<MimiErrorCode, string>> = MIMI_ERROR_CODES;
const refusal: MimiErrorCode = REFUSAL_CODES[0] satisfies RefusalCode;
const mlsCode: MimiErrorCode = 'mls/replay' satisfies MlsErrorCode;
const cborCode: CborErrorCode = 'cbor/truncated';
// @ts-expect-error a code that is not in the union is refused
new MimiError('made-up/code', 'x');

const room = { senderUri: 'mimi://a.example/u/alice', roomUri: 'mimi://a.example/r/r1' };
const bytes: Uint8Array = encodeContent(plainText('hi', room));
const content: MimiContent = decodeContent(bytes);
const id: Uint8Array = messageId(bytes);
const text: string = render(content).text;
new Conversation();
const state = createRoomState({ preset: 'moderated', creator: room.senderUri, roomUri: room.roomUri });
const verdict = authorize(state, 'mimi://a.example/u/bob', { type: 'message', action: 'send' });
const code: MimiErrorCode | undefined = verdict.allowed ? undefined : verdict.code;
try { decodeCbor(new Uint8Array([0xff])); } catch (e) { if (e instanceof MimiError && isMimiErrorCode(e.code)) console.log(meanings[e.code]); }
encodeCbor(1);
const asRoom = (r: Awaited<ReturnType<typeof createRoom>>): MimiRoom => r;
const store: DeliveryStore = new MemoryStore();
const dir: ((x: unknown) => MimiDirectory) = parseDirectory;
const handlerType: ((h: MimiHandler) => MimiHandler) = (h) => h;
void [PostgresStore, createMimiHandler, MimiHttpClient, handlerType, Protocol, Hub, Follower, SqliteStore, store, dir, areaLabel, refusal, mlsCode, cborCode, id, text, code, asRoom, createClientIdentity, parseVectorFile];
`;
// A Node server's consumer: the Node-only subpaths (node:https, pino, prom-client) need @types/node, which
// such a consumer has; it is installed into the consumer at the version this repository builds with.
const NODE_CONSUMER_TS = `
import { startMimiServer, createDemoCa, type MimiServer } from 'mimi-kit/http/node';
import { Provider, parseProviderConfig, type ProviderConfig } from 'mimi-kit/provider';
import { openSqliteStore } from 'mimi-kit/delivery/sqlite';
const configType = (c: ProviderConfig): ProviderConfig => c;
const serverType = (s: MimiServer): MimiServer => s;
void [startMimiServer, createDemoCa, Provider, parseProviderConfig, openSqliteStore, configType, serverType];
`;
const RESOLUTIONS = [
  { moduleResolution: 'node16', module: 'node16' },
  { moduleResolution: 'nodenext', module: 'nodenext' },
  { moduleResolution: 'bundler', module: 'esnext' },
];
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'mimi-kit-pack-'));
const run = (cmd, args, cwd = root) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

try {
  const [{ filename }] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work]));
  const tarball = join(work, filename);
  console.log(`packed ${filename}`);
  process.stdout.write(run('npx', ['publint', '--strict', tarball]));
  process.stdout.write(run('npx', ['attw', '--pack', root, '--profile', 'esm-only', '--format', 'table-flipped']));

  const consumer = join(work, 'consumer');
  run('mkdir', ['-p', consumer]);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], consumer);
  const help = execFileSync('npx', ['mimi', '--help'], { cwd: consumer, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  void help;
  const probe = `
    const subpaths = ${JSON.stringify(Object.keys(pkg.exports).filter((k) => !k.endsWith('.json')).map((k) => 'mimi-kit' + k.slice(1)))};
    for (const s of subpaths) { const m = await import(s); if (Object.keys(m).length === 0) throw new Error(s + ' exports nothing'); }
    console.log('subpaths ok: ' + subpaths.join(', '));`;
  writeFileSync(join(consumer, 'probe.mjs'), probe);
  process.stdout.write(run('node', ['probe.mjs'], consumer));
  const installed = join(consumer, 'node_modules', 'mimi-kit');
  // Installing runs no script of ours (the build is `prepack`).
  const installScripts = ['preinstall', 'install', 'postinstall', 'prepare'].filter((k) => k in (JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).scripts ?? {}));
  if (installScripts.length > 0) throw new Error(`the package asks consumers to run: ${installScripts.join(', ')}`);
  // Every source and declaration map points at files that are in the package.
  let maps = 0;
  for (const e of readdirSync(join(installed, 'dist'), { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith('.map')) continue;
    maps++;
    const map = JSON.parse(readFileSync(join(e.parentPath, e.name), 'utf8'));
    for (const src of map.sources) {
      if (!existsSync(resolve(e.parentPath, map.sourceRoot ?? '', src))) throw new Error(`${e.name} names ${src}, which is not in the package`);
    }
  }
  console.log(`no install scripts; ${maps} source/declaration maps, every source they name is in the package`);

  writeFileSync(join(consumer, 'consumer.ts'), CONSUMER_TS);
  writeFileSync(join(consumer, 'node-consumer.ts'), NODE_CONSUMER_TS);
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `@types/node@${pkg.devDependencies['@types/node']}`], consumer);
  for (const [file, types, label] of [['consumer.ts', [], 'portable subpaths, no @types/node'], ['node-consumer.ts', ['node'], 'Node-only subpaths, with @types/node']]) {
    for (const r of RESOLUTIONS) {
      const config = join(consumer, `tsconfig.${file}.${r.moduleResolution}.json`);
      const compilerOptions = { ...r, target: 'es2022', lib: ['es2022', 'dom'], types, strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck: false, noEmit: true };
      writeFileSync(config, JSON.stringify({ compilerOptions, files: [file] }));
      try {
        run('node', [tsc, '-p', config], consumer);
      } catch (e) {
        process.stderr.write(e.stdout ?? '');
        throw new Error(`the strict TypeScript consumer ${file} does not compile with moduleResolution ${r.moduleResolution}`);
      }
      console.log(`strict TypeScript consumer compiles: ${label} (moduleResolution ${r.moduleResolution}, skipLibCheck false)`);
    }
  }
  const ver = run('npx', ['mimi', 'vectors', 'verify', join(consumer, 'node_modules/mimi-kit/spec-vectors')], consumer);
  console.log(`installed tarball: npx mimi vectors verify -> ${ver.trim().split('\n').pop()}`);
  console.log('packaging checks passed');
} finally {
  rmSync(work, { recursive: true, force: true });
}
