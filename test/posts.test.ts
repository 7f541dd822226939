import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { uniq } from './helpers/fixtures.js';

const t = useTestServer();

interface PostAnswer { statusCode: number; message: string; data: { id: string; code: string; name: string; description?: string; departmentIdList: string[] } }
/** The SDK types get-post and get-user-post as the bare CreatePostDto; on the wire they are enveloped. */
const getPost = async (code: string, management = t.management) => (await management.getPost({ code })) as unknown as PostAnswer;

async function createUser(management = t.management) {
  const answer = await management.createUser({ username: `user_${uniq()}` } as never);
  expect(answer.statusCode).toBe(200);
  return answer.data;
}

async function createPost(fields: Record<string, unknown> = {}, management = t.management) {
  const code = `post_${uniq()}`;
  const answer = await management.createPost({ code, name: `Post ${code}`, ...fields } as never);
  expect(answer.statusCode).toBe(200);
  return answer.data;
}

describe('posts through the official ManagementClient', () => {
  it('creates a post and reads it back by code and by id', async () => {
    const post = await createPost({ description: 'Writes the code' });
    expect(post.id).toMatch(/^[0-9a-f]{24}$/);
    expect(post.departmentIdList).toEqual([]);
    const byCode = await getPost(post.code);
    expect(byCode.statusCode).toBe(200);
    expect(byCode.data).toMatchObject({ id: post.id, code: post.code, name: post.name, description: 'Writes the code' });
    const byId = await t.management.getPostById({ idList: post.id! });
    expect(byId.data).toEqual([byCode.data]);
  });

  it('refuses a post code that is already taken with a 409 naming code', async () => {
    const post = await createPost();
    const again = await t.management.createPost({ code: post.code, name: 'Other' });
    expect(again.statusCode).toBe(409);
    expect(again.message).toMatch(/^code: a post ".+" already exists/);
  });

  it('refuses a post without a name and one with unknown departments, naming the field', async () => {
    const missing = await t.management.createPost({ code: `post_${uniq()}` } as never);
    expect(missing.statusCode).toBe(400);
    expect(missing.message).toMatch(/name: is required/);
    const badDepartment = await t.management.createPost({ code: `post_${uniq()}`, name: 'X', departmentIdList: '000000000000000000000000' });
    expect(badDepartment.statusCode).toBe(404);
    expect(badDepartment.message).toMatch(/^departmentIdList: no department "000000000000000000000000"/);
  });

  it('lists posts with keywords, code filters and user counts', async () => {
    const marker = uniq();
    const a = await createPost({ name: `Alpha ${marker}` });
    const b = await createPost({ name: `Beta ${marker}` });
    const user = await createUser();
    expect((await t.management.setUserPosts({ userId: user.userId, postIds: [a.id!] })).statusCode).toBe(200);

    const byKeyword = await t.management.postList({ keywords: marker.toUpperCase() });
    expect(byKeyword.statusCode).toBe(200);
    expect(byKeyword.data.totalCount).toBe(2);
    expect(byKeyword.data.list.map((p) => [p.code, p.userCount])).toEqual([[a.code, 1], [b.code, 0]]);

    const byCodes = await t.management.postListBatch({ postCodes: [b.code] });
    expect(byCodes.data.list.map((p) => p.code)).toEqual([b.code]);
  });

  it('updates the name and description of the post with the given code', async () => {
    const post = await createPost();
    const answer = await t.management.updatePost({ code: post.code, name: 'Renamed', description: 'New words' });
    expect(answer.statusCode).toBe(200);
    expect(answer.data).toMatchObject({ id: post.id, code: post.code, name: 'Renamed', description: 'New words' });
    expect((await getPost(post.code)).data.name).toBe('Renamed');
  });

  it('sets, adds and reads a user\'s posts from both sides', async () => {
    const [a, b, c] = [await createPost(), await createPost(), await createPost()];
    const user = await createUser();
    expect((await t.management.setUserPosts({ userId: user.userId, postIds: [a.id!, b.id!] })).statusCode).toBe(200);
    expect((await t.management.userConnectionPost({ userId: user.userId, postId: c.id! })).statusCode).toBe(200);

    const mine = await t.management.getUserPosts({ userId: user.userId });
    expect(mine.data.map((p) => p.code).sort()).toEqual([a.code, b.code, c.code].sort());
    const withPost = await t.management.getUser({ userId: user.userId, withPost: true } as never);
    expect((withPost.data as unknown as { postIdList: string[] }).postIdList.sort()).toEqual([a.id, b.id, c.id].sort());

    const members = await t.management.makeRequest({ method: 'GET', url: '/api/v3/list-post-members', params: { code: c.code } });
    expect(members.statusCode).toBe(200);
    expect(members.data.list.map((u: { userId: string }) => u.userId)).toEqual([user.userId]);

    // set-user-posts replaces: a and c go, b stays.
    await t.management.setUserPosts({ userId: user.userId, postIds: [b.id!] });
    expect((await t.management.getUserPosts({ userId: user.userId })).data.map((p) => p.id)).toEqual([b.id]);
    expect(((await t.management.getUserPost({ userId: user.userId })) as unknown as PostAnswer).data.id).toBe(b.id);
    const left = await t.management.makeRequest({ method: 'GET', url: '/api/v3/list-post-members', params: { code: c.code } });
    expect(left.data.totalCount).toBe(0);
  });

  it('refuses unknown posts and unknown users, changing nothing', async () => {
    const post = await createPost();
    const user = await createUser();
    await t.management.setUserPosts({ userId: user.userId, postIds: [post.id!] });
    const unknownPost = await t.management.setUserPosts({ userId: user.userId, postIds: ['000000000000000000000000'] });
    expect(unknownPost.statusCode).toBe(404);
    expect(unknownPost.message).toMatch(/^postIds: no post "000000000000000000000000"/);
    expect((await t.management.getUserPosts({ userId: user.userId })).data.map((p) => p.id)).toEqual([post.id]);
    const unknownUser = await t.management.userConnectionPost({ userId: '000000000000000000000000', postId: post.id! });
    expect(unknownUser.statusCode).toBe(404);
    expect(unknownUser.apiCode).toBe(2004);
  });

  it('drops a resigned user\'s posts and refuses to give them new ones', async () => {
    const [a, b] = [await createPost(), await createPost()];
    const user = await createUser();
    await t.management.setUserPosts({ userId: user.userId, postIds: [a.id!] });
    expect((await t.management.makeRequest({ method: 'POST', url: '/api/v3/resign-user', data: { userId: user.userId } })).statusCode).toBe(200);
    expect((await t.management.getUserPosts({ userId: user.userId })).data).toEqual([]);
    const members = await t.management.makeRequest({ method: 'GET', url: '/api/v3/list-post-members', params: { code: a.code } });
    expect(members.data.totalCount).toBe(0);
    for (const answer of [
      await t.management.userConnectionPost({ userId: user.userId, postId: b.id! }),
      await t.management.setUserPosts({ userId: user.userId, postIds: [b.id!] }),
    ]) {
      expect(answer.statusCode).toBe(400);
      expect(answer.message).toMatch(/^userId: ".+" has resigned/);
    }
    expect((await t.management.getUserPosts({ userId: user.userId })).data).toEqual([]);
  });

  it('removes a post together with every user\'s assignment to it', async () => {
    const post = await createPost();
    const user = await createUser();
    await t.management.setUserPosts({ userId: user.userId, postIds: [post.id!] });
    expect((await t.management.removePost({ code: post.code })).statusCode).toBe(200);
    expect((await getPost(post.code)).statusCode).toBe(404);
    expect((await t.management.getUserPosts({ userId: user.userId })).data).toEqual([]);
    expect((await t.management.removePost({ code: post.code })).statusCode).toBe(404);
  });

  it('keeps posts of one user pool invisible to another', async () => {
    const post = await createPost();
    const other = await t.newPool();
    expect((await getPost(post.code, other.management)).statusCode).toBe(404);
    expect((await other.management.postList({})).data.totalCount).toBe(0);
    const theirs = await createPost({ code: post.code }, other.management);
    expect(theirs.id).not.toBe(post.id);
    const stranger = await createUser(other.management);
    const cross = await other.management.setUserPosts({ userId: stranger.userId, postIds: [post.id!] });
    expect(cross.statusCode).toBe(404);
  });
});
