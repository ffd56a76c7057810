import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';

import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../helpers/env.js';

/**
 * PostgreSQL and Redis that the fault suite may restart without touching the shared services other test files
 * run against in parallel. Preferred: private server processes (a throw-away `initdb` cluster, a `redis-server`
 * child), so a restart is a real one: backends die, the port refuses connections while down, PostgreSQL runs
 * crash recovery, Redis comes back empty. Where the binaries are missing (a CI image with the services as
 * containers), a TCP proxy we own stands in front of the shared server and a "restart" cuts every connection
 * through it and refuses new ones for the down time: the client side sees the same thing, the data survives.
 */

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RestartableService {
  /** Where clients connect (a database URL without a database name for PostgreSQL; a redis:// URL). */
  url: string;
  /** `private`: our own server process; `proxied`: a cut-able TCP proxy in front of the shared server. */
  kind: 'private' | 'proxied';
  /** Brings the service down (hard: no graceful goodbye to clients), keeps it down for `downMs`, brings it back. */
  restart(downMs: number): Promise<void>;
  /** The two halves of `restart`, for a fault that must land while the service is down. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP proxy whose connections can all be cut at once, refusing new ones for a while. */
async function startCutProxy(
  targetHost: string,
  targetPort: number,
): Promise<{ port: number; cut(downMs: number): Promise<void>; down(): void; up(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let downUntil = 0;
  const server: Server = createServer((client) => {
    if (Date.now() < downUntil) return client.destroy();
    const upstream = connect(targetPort, targetHost);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    async cut(downMs) {
      downUntil = Date.now() + downMs;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await sleep(downMs);
    },
    down() {
      downUntil = Number.POSITIVE_INFINITY;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    up() {
      downUntil = 0;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

// ---- PostgreSQL ---------------------------------------------------------------------------------------------

function postgresBinDir(): string | undefined {
  if (process.env.FAULTS_PG_BIN) return process.env.FAULTS_PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((entry) => existsSync(join(root, entry, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

/**
 * A private PostgreSQL cluster under the temp directory. PostgreSQL refuses to run as root, so as root every
 * server command runs as the `postgres` user (runuser); as anyone else it runs as that user.
 */
async function startPrivatePostgres(bin: string): Promise<RestartableService> {
  const asRoot = userInfo().uid === 0;
  const dir = await mkdtemp(join(tmpdir(), 'kaspi-faults-pg-'));
  const dataDir = join(dir, 'data');
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pgRun = (command: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args], { cwd: dir })
      : run(join(bin, command), args, { cwd: dir });
  const port = await freePort();
  await pgRun('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
  // fsync off: a crash of this throw-away cluster may lose the last commits, which an immediate stop does not
  // cause (the WAL is written before a commit returns; fsync only matters for an OS crash).
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = () =>
    pgRun('pg_ctl', ['-D', dataDir, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']);
  // `immediate`: every backend is killed at once and the next start runs crash recovery, like a crashed server.
  const stop = () => pgRun('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
  await start();
  // A test process that dies without closing must not leave a server behind.
  const stopNow = () => {
    try {
      const args = ['-D', dataDir, '-m', 'immediate', '-w', 'stop'];
      if (asRoot)
        execFileSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args], { cwd: dir, stdio: 'ignore' });
      else execFileSync(join(bin, 'pg_ctl'), args, { cwd: dir, stdio: 'ignore' });
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopNow);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    kind: 'private',
    async restart(downMs) {
      await stop();
      await sleep(downMs);
      await start();
    },
    stop: async () => void (await stop()),
    start: async () => void (await start()),
    async close() {
      process.off('exit', stopNow);
      await stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The shared server behind a local proxy whose connections the scenario cuts (`FAULTS_PG/REDIS=proxied`). */
async function startProxied(sharedUrl: string, defaultPort: number): Promise<RestartableService> {
  const shared = new URL(sharedUrl);
  const proxy = await startCutProxy(shared.hostname, Number(shared.port || defaultPort));
  const url = new URL(sharedUrl);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return {
    url: url.toString(),
    kind: 'proxied',
    restart: (downMs) => proxy.cut(downMs),
    stop: async () => proxy.down(),
    start: async () => proxy.up(),
    close: () => proxy.close(),
  };
}

export async function startPostgres(): Promise<RestartableService> {
  const bin = postgresBinDir();
  if (bin && process.env.FAULTS_PG !== 'proxied') return startPrivatePostgres(bin);
  return startProxied(TEST_DATABASE_URL, 5432);
}

/** A fresh database on `service` (the admin URL's server), dropped on close. */
export async function createDatabaseOn(
  service: RestartableService,
  name: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: service.url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`create database "${name}"`);
  const url = new URL(service.url);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists "${name}" with (force)`) };
}

// ---- Redis --------------------------------------------------------------------------------------------------

function redisServerBinary(): string | undefined {
  if (process.env.FAULTS_REDIS_SERVER) return process.env.FAULTS_REDIS_SERVER;
  for (const candidate of ['/usr/bin/redis-server', '/usr/local/bin/redis-server'])
    if (existsSync(candidate)) return candidate;
  return undefined;
}

async function waitForRedis(url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return;
    } catch {
      probe.disconnect();
      if (Date.now() > deadline) throw new Error(`redis at ${url} did not come up within ${timeoutMs} ms`);
      await sleep(50);
    }
  }
}

/** A private `redis-server` child without persistence: a restart brings it back empty, as a crash would. */
async function startPrivateRedis(binary: string): Promise<RestartableService> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      binary,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
      ],
      {
        stdio: 'ignore',
      },
    );
    await waitForRedis(`redis://127.0.0.1:${port}`);
  };
  const kill = async () => {
    const victim = child;
    if (!victim || victim.exitCode !== null) return;
    const exited = new Promise((resolve) => victim.once('exit', resolve));
    victim.kill('SIGKILL');
    await exited;
  };
  await start();
  const killNow = () => void child?.kill('SIGKILL');
  process.once('exit', killNow);
  return {
    url: `redis://127.0.0.1:${port}`,
    kind: 'private',
    async restart(downMs) {
      await kill();
      await sleep(downMs);
      await start();
    },
    stop: kill,
    start,
    async close() {
      process.off('exit', killNow);
      await kill();
    },
  };
}

export async function startRedis(): Promise<RestartableService> {
  const binary = redisServerBinary();
  if (binary && process.env.FAULTS_REDIS !== 'proxied') return startPrivateRedis(binary);
  return startProxied(TEST_REDIS_URL, 6379);
}
