import { ApiCode, AppError, badRequest, forbidden } from '../errors.js';
import * as applications from '../store/applications.js';
import * as pools from '../store/pools.js';
import type { SignUpInput } from '../schemas/self-service.js';
import { recordAudit } from './audit.js';
import type { Deps, Scope } from './context.js';
import { createUsers, type CreateUserInput } from './users.js';
import type { UserView } from './user-view.js';
import { enqueueEvent } from './outbox.js';

export interface SignUpRequest {
  body: SignUpInput;
  /** x-authing-app-id: the application the person registers through; its pool is theirs. */
  appIdHeader?: string;
  /** The pool the request's address names, when it names one. */
  poolId?: string;
  requestId: string;
}

/** One value from two places (passwordPayload and profile) that must agree. */
function agreed(field: string, a: string | undefined, b: string | undefined): string | undefined {
  if (a !== undefined && b !== undefined && a.toLowerCase() !== b.toLowerCase()) {
    throw badRequest(`profile.${field}: differs from passwordPayload.${field}`);
  }
  return a ?? b;
}

/**
 * Password self-registration (`signup`, connection PASSWORD) in the pool of the application the
 * SDK names, when that pool allows it (update-security-settings `registerDisabled: false`; off by
 * default). The new user is Activated with `userSourceType` `register`, and signs in with
 * `signin` like anyone else. The account is created all or nothing; a taken username, email or
 * phone changes nothing.
 */
export async function signUp(deps: Deps, req: SignUpRequest): Promise<UserView> {
  if (!req.appIdHeader) throw badRequest('x-authing-app-id: is required: the application people register through');
  const app = await applications.findApplicationByClientId(deps.db, req.appIdHeader);
  if (!app || (req.poolId !== undefined && app.pool_id !== req.poolId)) {
    throw badRequest(`x-authing-app-id: no application "${req.appIdHeader}"${req.poolId ? ' in this user pool' : ''}`);
  }
  const pool = await pools.findPoolById(deps.db, app.pool_id);
  if (Number(pool?.self_registration ?? 0) !== 1) {
    throw forbidden('self-registration is turned off in this user pool (update-security-settings registerDisabled)', ApiCode.SIGNUP_DISABLED);
  }
  const { body } = req;
  if (body.connection !== 'PASSWORD') {
    throw new AppError(400, ApiCode.SIGNUP_UNSUPPORTED, `connection: ${body.connection} needs verification codes, which this server does not send; use PASSWORD`);
  }
  const payload = body.passwordPayload;
  if (!payload) throw badRequest('passwordPayload: is required when connection is PASSWORD');
  const { email: profileEmail, phone: profilePhone, locality, phoneCountryCode, customData, ...profile } = body.profile ?? {};
  const input: CreateUserInput = {
    ...profile,
    city: locality,
    phoneCountryCode,
    customData,
    username: payload.username,
    email: agreed('email', payload.email, profileEmail),
    phone: agreed('phone', payload.phone, profilePhone),
    password: payload.password,
  };
  if (!input.username && !input.email && !input.phone) throw badRequest('passwordPayload: give username, email or phone with the password');
  const scope: Scope = { ...deps, poolId: app.pool_id, actor: 'signup', requestId: req.requestId };
  const [user] = await createUsers(scope, [input], {}, { withCustomData: true }, {
    sourceType: 'register',
    // The new person is the actor of their own registration.
    inTransaction: async (trx, rows) => {
      await recordAudit(trx, { ...scope, actor: rows[0].id }, { action: 'signup', targetType: 'user', targetIds: [rows[0].id], detail: { appId: app.id } });
      await enqueueEvent(trx, scope, 'register', { userId: rows[0].id, appId: app.id, connection: 'PASSWORD' });
    },
  });
  return user;
}
