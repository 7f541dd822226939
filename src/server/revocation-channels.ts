/**
 * Channels on which a revocation is announced; the message is what the processes cache by. A
 * module of their own, so the CLI names them without loading the Redis client until it announces.
 */
export const ACCESS_KEY_CHANNEL = 'userpool:access-keys:revoked';
/** SCIM tokens are cached by their SHA-256, which is what this channel carries (never the token). */
export const SCIM_TOKEN_CHANNEL = 'userpool:scim-tokens:revoked';
