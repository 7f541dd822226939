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
  project.provide('sdkEnv', {
    AUTHING_SDK_TEST_HOST: server.url,
    AUTHING_SDK_TEST_ACCESS_KEY_ID: server.keyId,
    AUTHING_SDK_TEST_ACCESS_KEY_SECRET: server.secret,
  });
}

export async function teardown(): Promise<void> {
  await server?.close();
}
