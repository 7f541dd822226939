import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const TEMPLATE = new URL('../../deploy/nginx.conf', import.meta.url);

/** nginx from PATH or Debian's place; installed with apt-get (Debian's `nginx` package) when missing. */
export function nginxBinary(): string {
  const found = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path));
  if (found) return found;
  console.log('nginx is missing: installing Debian\'s nginx package with apt-get');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const run = (args: string[]) => {
    const result = spawnSync(sudo[0] ?? args[0], sudo.length ? args : args.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (result.status !== 0) throw new Error(`${args.join(' ')} failed`);
  };
  run(['apt-get', 'update']);
  run(['apt-get', 'install', '-y', '--no-install-recommends', 'nginx']);
  const installed = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path));
  if (!installed) throw new Error('nginx is still missing after apt-get install');
  return installed;
}

/**
 * deploy/nginx.conf (what compose.yaml runs) with this machine's addresses put in: the upstream
 * servers, a 127.0.0.1 listen port, and pid, logs and temporary files inside `dir`.
 */
export function nginxConfig(dir: string, listenPort: number, upstreams: number[]): string {
  let conf = readFileSync(TEMPLATE, 'utf8');
  const servers = upstreams.map((port) => `    server 127.0.0.1:${port} max_fails=1 fail_timeout=5s;`).join('\n');
  conf = conf.replace(/( *server userpool-\d+:3000[^\n]*\n)+/, `${servers}\n`);
  conf = conf.replace(/listen 80;/, `listen 127.0.0.1:${listenPort};`);
  conf = conf.replace(/pid [^;]+;/, `pid ${join(dir, 'nginx.pid')};`);
  conf = conf.replace(/error_log [^;]+;/, `error_log ${join(dir, 'error.log')} warn;`);
  // One worker leaves the two cores to the nodes and the database.
  conf = conf.replace(/worker_processes [^;]+;/, 'worker_processes 1;');
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `  ${name}_temp_path ${join(dir, name)};`).join('\n');
  conf = conf.replace(/http \{\n/, `http {\n${temp}\n`);
  if (!conf.includes('127.0.0.1:' + upstreams[0])) throw new Error('deploy/nginx.conf no longer has the shape this benchmark fills in (upstream servers userpool-N:3000)');
  return conf;
}

export interface RunningNginx {
  pid: number;
  /** Rewrites the configuration and reloads it (SIGHUP): workers finish their requests first. */
  reload(upstreams: number[]): Promise<void>;
  stop(): Promise<void>;
}

export async function startNginx(binary: string, dir: string, listenPort: number, upstreams: number[]): Promise<RunningNginx> {
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, nginxConfig(dir, listenPort, upstreams));
  const check = spawnSync(binary, ['-t', '-q', '-p', dir, '-c', file], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t refused the generated configuration:\n${check.stderr}`);
  const child: ChildProcess = spawn(binary, ['-p', dir, '-c', file, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}`);
    try {
      await fetch(`http://127.0.0.1:${listenPort}/health/live`);
      break;
    } catch {
      if (i > 100) throw new Error('nginx did not listen within 10 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    pid: child.pid!,
    async reload(next) {
      writeFileSync(file, nginxConfig(dir, listenPort, next));
      child.kill('SIGHUP');
      await new Promise((r) => setTimeout(r, 1000));
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGQUIT');
      await exited;
    },
  };
}
