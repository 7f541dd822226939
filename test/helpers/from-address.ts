import { request } from 'node:http';

export interface RawAnswer<T> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

/**
 * POSTs JSON from a given loopback address: every 127.x address reaches a server listening on
 * 127.0.0.1, and the server sees each as another client (fetch cannot choose its source address).
 */
export function postFrom<T = { statusCode?: number; apiCode?: number; message?: string; requestId?: string }>(
  url: string,
  body: unknown,
  from: string,
  headers: Record<string, string> = {},
): Promise<RawAnswer<T>> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const call = request(url, {
      method: 'POST',
      localAddress: from,
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), ...headers },
    }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { text += chunk; });
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: JSON.parse(text) as T }));
    });
    call.on('error', reject);
    call.end(payload);
  });
}
