import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { uniq } from './helpers/fixtures.js';
import { DEFAULT_USER_PHOTO } from '../src/services/users.js';

const t = useTestServer();

describe('user answers and checks the SDK specs expect of the cloud', () => {
  it('gives a new user the default photo unless one is set', async () => {
    const plain = await t.management.createUser({ username: `p_${uniq()}` } as never);
    expect(plain.data.photo).toBe(DEFAULT_USER_PHOTO);
    const own = await t.management.createUser({ username: `p_${uniq()}`, photo: 'https://example.com/me.png' } as never);
    expect(own.data.photo).toBe('https://example.com/me.png');
  });

  it('refuses an email or phone identifier that cannot be one with 400, and answers 404 for a well-formed unknown one', async () => {
    const badEmail = await t.management.getUser({ userId: 'test#x.com', userIdType: 'email' });
    expect(badEmail.statusCode).toBe(400);
    expect(badEmail.message).toBe('userId: "test#x.com" is not an email address (userIdType email)');
    const badPhone = await t.management.getUser({ userId: '1234567890#', userIdType: 'phone' });
    expect(badPhone.statusCode).toBe(400);
    expect(badPhone.message).toMatch(/^userId: "1234567890#" is not a phone number/);
    const dashed = await t.management.getUser({ userId: '212-456-1111', userIdType: 'phone' });
    expect(dashed.statusCode).toBe(404);
  });

  it('refuses a list-users filter on a status that does not exist, naming the filter item', async () => {
    const answer = await t.management.listUsers({ advancedFilter: [{ field: 'status', operator: 'EQUAL', value: 'invalid' }] } as never);
    expect(answer.statusCode).toBe(400);
    expect(answer.message).toMatch(/^advancedFilter\[0\]\.value: status must be one of Activated, /);
    const fine = await t.management.listUsers({ advancedFilter: [{ field: 'status', operator: 'EQUAL', value: 'Activated' }] } as never);
    expect(fine.statusCode).toBe(200);
  });
});
