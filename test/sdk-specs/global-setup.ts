import type { TestProject } from 'vitest/node';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer | undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    sdkEnv: Record<string, string>;
  }
}

/**
 * Starts one real server for the SDK's own specs; env.ts hands its address and key to the
 * variables the specs read (test/client.ts in authing-node-sdk).
 */
export async function setup(project: TestProject): Promise<void> {
  server = await startTestServer();
  // The specs take existing users from list-users, as a cloud test pool has them.
  const seeded = await server.management.createUsersBatch({
    list: Array.from({ length: 6 }, (_, i) => ({
      username: `sdkspec_${i}`,
      email: `sdkspec_${i}@example.com`,
      phone: `1380000000${i}`,
      name: `SDK spec user ${i}`,
      password: 'Spec-password-1',
    })),
  } as never);
  if (seeded.statusCode !== 200) throw new Error(`seeding the SDK spec pool failed: ${seeded.message}`);
  project.provide('sdkEnv', {
    AUTHING_SDK_TEST_HOST: server.url,
    AUTHING_SDK_TEST_ACCESS_KEY_ID: server.keyId,
    AUTHING_SDK_TEST_ACCESS_KEY_SECRET: server.secret,
  });
}

export async function teardown(): Promise<void> {
  await server?.close();
}
