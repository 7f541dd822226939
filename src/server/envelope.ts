import Type, { type TSchema } from 'typebox';

/**
 * The answer every JSON route gives: `{ statusCode, message, apiCode?, requestId, data }`. The
 * envelope of a named schema is named after it (`SuccessEnvelope`), so the routes that answer
 * that schema whole share one component in the OpenAPI document.
 */
export function Envelope<T extends TSchema>(data: T) {
  const name = (data as { $id?: unknown }).$id;
  return Type.Object(
    {
      statusCode: Type.Integer(),
      message: Type.String(),
      apiCode: Type.Optional(Type.Integer()),
      requestId: Type.String(),
      data: Type.Optional(data),
    },
    typeof name === 'string' ? { $id: `${name}Envelope` } : {},
  );
}

/** GenAuth answers success with an empty message; the official SDK's specs check for exactly that. */
export const SUCCESS_MESSAGE = '';

export function envelope<T>(requestId: string, data: T) {
  return { statusCode: 200, message: SUCCESS_MESSAGE, requestId, data };
}

export function errorEnvelope(requestId: string, statusCode: number, message: string, apiCode?: number) {
  return { statusCode, message, apiCode, requestId };
}
