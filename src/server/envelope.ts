import Type, { type TSchema } from 'typebox';

/**
 * The answer every JSON route gives: `{ statusCode, message, apiCode?, requestId, data }`. The
 * envelope of a named schema is named after it (`SuccessEnvelope`), so the routes that answer
 * that schema whole share one component in the OpenAPI document.
 */
export function Envelope<T extends TSchema>(data: T) {
  const name = (data as { $id?: unknown }).$id;
  return Type.Object({ ...envelopeFields(), data: Type.Optional(data) }, typeof name === 'string' ? { $id: `${name}Envelope` } : {});
}

type EnvelopeField = 'statusCode' | 'message' | 'apiCode' | 'requestId';

/** The fields every answer carries beside its `data` (an error's are all it has), each with its description if given. */
export function envelopeFields(described: Partial<Record<EnvelopeField, string>> = {}) {
  const about = (field: EnvelopeField) => (described[field] === undefined ? {} : { description: described[field] });
  return {
    statusCode: Type.Integer(about('statusCode')),
    message: Type.String(about('message')),
    apiCode: Type.Optional(Type.Integer(about('apiCode'))),
    requestId: Type.String(about('requestId')),
  };
}

/** GenAuth answers success with an empty message; the official SDK's specs check for exactly that. */
export const SUCCESS_MESSAGE = '';

export function envelope<T>(requestId: string, data: T) {
  return { statusCode: 200, message: SUCCESS_MESSAGE, requestId, data };
}

export function errorEnvelope(requestId: string, statusCode: number, message: string, apiCode?: number) {
  return { statusCode, message, apiCode, requestId };
}
