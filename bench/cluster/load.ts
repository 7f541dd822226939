import { Agent, request } from 'node:http';
import { signedRequest } from '../signing.js';
import { seededEmail, seededId, seededUsername } from './seed.js';

export const PASSWORD = 'Cluster-pass-1';

export interface Tokens {
  access: string;
  refresh: string;
}

export interface Fixture {
  keyId: string;
  secret: string;
  app: { appId: string; secret: string };
  tag: string;
  users: number;
  organizationCode: string;
  departmentIds: string[];
  /** Seeded users 0 … victims.length-1 are signed in beforehand and resigned during the load. */
  victims: Array<{ n: number; tokens: Tokens }>;
  /** First seeded user that is not a victim. */
  firstOrdinary: number;
}

export type OpKind = 'signin' | 'refresh' | 'introspect' | 'get-user' | 'list-users' | 'add-member' | 'resign';
const WEIGHTS: Array<[OpKind, number]> = [
  ['signin', 4], ['refresh', 8], ['introspect', 25], ['get-user', 25], ['list-users', 8], ['add-member', 22], ['resign', 8],
];

export interface OpRecord {
  kind: OpKind;
  start: number;
  end: number;
  ok: boolean;
  detail?: string;
}

export interface Acks {
  resigned: Array<{ n: number; tokens: Tokens }>;
  memberships: Array<{ departmentId: string; userId: string }>;
}

interface Answer {
  status: number;
  body: any;
}

/** Keep-alive HTTP to one base URL; a failed connection answers status 0 with the error. */
export function httpClient(baseUrl: string, sockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const url = new URL(baseUrl);
  return {
    send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
      return new Promise((resolve) => {
        const req = request({ host: url.hostname, port: url.port, method, path, headers: body ? { ...headers, 'content-length': String(Buffer.byteLength(body)) } : headers, agent, timeout: 30_000 }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => {
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              /* nginx's own error pages are HTML */
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', (error) => resolve({ status: 0, body: error.message }));
        });
        req.on('error', (error) => resolve({ status: 0, body: error.message }));
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

export type Client = ReturnType<typeof httpClient>;

const basic = (app: Fixture['app']) => `Basic ${Buffer.from(`${app.appId}:${app.secret}`).toString('base64')}`;

export function management(client: Client, f: Fixture, method: 'GET' | 'POST', path: string, params: Record<string, unknown>) {
  const signed = signedRequest(f.keyId, f.secret, method, path, params);
  return client.send(signed.method, signed.path, signed.headers, signed.body);
}

export async function signIn(client: Client, f: Fixture, n: number): Promise<Answer> {
  const body = JSON.stringify({ connection: 'PASSWORD', passwordPayload: { username: seededUsername(f.tag, n), password: PASSWORD }, options: { scope: 'openid profile offline_access' } });
  return client.send('POST', '/api/v3/signin', { 'content-type': 'application/json', authorization: basic(f.app) }, body);
}

export function introspect(client: Client, f: Fixture, token: string) {
  return client.send('POST', '/oidc/token/introspection', { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(f.app) }, new URLSearchParams({ token }).toString());
}

function refresh(client: Client, f: Fixture, token: string) {
  return client.send('POST', '/oidc/token', { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(f.app) }, new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }).toString());
}

const envelopeOk = (a: Answer) => a.status === 200 && a.body?.statusCode === 200;
const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)];

/**
 * The mixed load: `concurrency` loops, each sending one operation after another, chosen by weight,
 * until `until()` says stop. Every operation is recorded with its start and end (ms since `t0`)
 * and whether it got the answer it should; acknowledged resignations and membership writes are
 * collected for the check afterwards.
 */
export async function runLoad(client: Client, f: Fixture, options: { concurrency: number; t0: number; until: () => boolean }) {
  const records: OpRecord[] = [];
  const acks: Acks = { resigned: [], memberships: [] };
  const tokens: Tokens[] = [];
  const victims = [...f.victims];
  const total = WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
  const ordinary = () => f.firstOrdinary + Math.floor(Math.random() * (f.users - f.firstOrdinary));
  const now = () => performance.now() - options.t0;

  function choose(): OpKind {
    let r = Math.random() * total;
    for (const [kind, weight] of WEIGHTS) if ((r -= weight) < 0) return kind;
    return 'get-user';
  }

  async function one(chosen: OpKind): Promise<{ kind: OpKind; ok: boolean; detail?: string }> {
    let kind = chosen;
    if ((kind === 'refresh' || kind === 'introspect') && tokens.length === 0) kind = 'signin';
    if (kind === 'resign' && victims.length === 0) kind = 'get-user';
    return { kind, ...(await send(kind)) };
  }

  async function send(kind: OpKind): Promise<{ ok: boolean; detail?: string }> {
    switch (kind) {
      case 'signin': {
        const a = await signIn(client, f, ordinary());
        if (envelopeOk(a) && a.body.data?.access_token) {
          tokens.push({ access: a.body.data.access_token, refresh: a.body.data.refresh_token });
          if (tokens.length > 500) tokens.shift();
          return { ok: true };
        }
        return { ok: false, detail: `${a.status} ${JSON.stringify(a.body).slice(0, 120)}` };
      }
      case 'refresh': {
        const held = tokens.splice(Math.floor(Math.random() * tokens.length), 1)[0];
        const a = await refresh(client, f, held.refresh);
        if (a.status === 200 && a.body?.access_token) {
          tokens.push({ access: a.body.access_token, refresh: a.body.refresh_token });
          return { ok: true };
        }
        return { ok: false, detail: `${a.status} ${JSON.stringify(a.body).slice(0, 120)}` };
      }
      case 'introspect': {
        const a = await introspect(client, f, pick(tokens).access);
        return a.status === 200 && a.body?.active === true ? { ok: true } : { ok: false, detail: `${a.status} ${JSON.stringify(a.body).slice(0, 120)}` };
      }
      case 'get-user': {
        const a = await management(client, f, 'GET', '/api/v3/get-user', { userId: seededEmail(f.tag, ordinary()), userIdType: 'email' });
        return envelopeOk(a) ? { ok: true } : { ok: false, detail: `${a.status} ${JSON.stringify(a.body).slice(0, 120)}` };
      }
      case 'list-users': {
        const a = await management(client, f, 'POST', '/api/v3/list-users', {
          advancedFilter: [{ field: 'status', operator: 'EQUAL', value: 'Resigned' }],
          options: { pagination: { page: 1, limit: 10 } },
        });
        return envelopeOk(a) ? { ok: true } : { ok: false, detail: `${a.status} ${JSON.stringify(a.body).slice(0, 120)}` };
      }
      case 'add-member': {
        const departmentId = pick(f.departmentIds);
        const userId = seededId(f.tag, ordinary());
        const a = await management(client, f, 'POST', '/api/v3/add-department-members', { organizationCode: f.organizationCode, departmentId, userIds: [userId] });
        if (!envelopeOk(a)) return { ok: false, detail: `${a.status} ${JSON.stringify(a.body).slice(0, 120)}` };
        acks.memberships.push({ departmentId, userId });
        return { ok: true };
      }
      case 'resign': {
        const victim = victims.shift()!;
        const a = await management(client, f, 'POST', '/api/v3/resign-user', { userId: seededId(f.tag, victim.n) });
        if (!envelopeOk(a)) return { ok: false, detail: `${a.status} ${JSON.stringify(a.body).slice(0, 120)}` };
        acks.resigned.push(victim);
        return { ok: true };
      }
    }
  }

  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (!options.until()) {
        const start = now();
        const { kind, ok, detail } = await one(choose());
        records.push({ kind, start, end: now(), ok, detail });
      }
    }),
  );
  return { records, acks };
}
