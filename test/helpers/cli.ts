import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Only what the CLI needs from the test's environment, so stray variables cannot mask a case. */
function baseEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NODE_OPTIONS: '', SIGNIN_RATE_PER_ADDRESS: '0', SIGNIN_RATE_PER_ACCOUNT: '0', ...env };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  /** stderr without npm's own warnings about the machine's npm configuration. */
  stderr: string;
}

/** `userpool <args>` (the compiled CLI, as `npx userpool` runs it); killed after `timeoutMs`. */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 90_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/cli/main.js', ...args], { cwd: ROOT, env: baseEnv(env), timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ours = stderr.split('\n').filter((line) => line && !line.startsWith('npm warn')).join('\n');
      resolve({ code, stdout, stderr: ours });
    });
  });
}

export interface CliServer {
  url: string;
  output(): string;
  stop(): Promise<number | null>;
}

/**
 * `userpool serve` in a process of its own (node running dist/, so the pid is the server's
 * and stopping it leaves nothing behind). Resolves once it logs that it listens.
 */
export function startCliServer(env: Record<string, string>): Promise<CliServer> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['dist/cli/main.js', 'serve'], { cwd: ROOT, env: baseEnv(env) });
    let output = '';
    let settled = false;
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    const timer = setTimeout(() => fail(new Error(`server did not start within 90 s:\n${output}`)), 90_000);
    function fail(error: Error) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    }
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/[^\s",]+)/.exec(output);
      if (match && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({
          url: match[1].replace('localhost', '127.0.0.1'),
          output: () => output,
          async stop() {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => fail(new Error(`server exited with ${code}:\n${output}`)));
  });
}
