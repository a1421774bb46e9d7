import {
  EVENT_TOPIC_KINDS,
  TOPIC_VALUE_MAX_LENGTH,
  validationErrorBody,
  type ApiErrorBody,
  type EventTopic,
  type FieldError,
  type SubscribeRequest,
} from '@camel/contracts';

type Parsed<T> = { ok: true; value: T } | { ok: false; error: ApiErrorBody };

const SUBSCRIPTION_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const TOPIC_FIELD: Record<EventTopic['kind'], string> = { project: 'projectId', stream: 'streamId', type: 'prefix' };

/**
 * Socket messages skip Nest's HTTP validation pipe, so the gateway checks them here, with the same
 * error shape as the REST API: every offending field is named.
 */
export function parseSubscribeRequest(input: unknown): Parsed<SubscribeRequest> {
  const fields: FieldError[] = [];
  const body = isRecord(input) ? input : {};
  if (!isRecord(input)) fields.push({ field: 'body', message: 'the message must be an object' });

  const subscriptionId = body['subscriptionId'];
  if (typeof subscriptionId !== 'string' || !SUBSCRIPTION_ID.test(subscriptionId)) {
    fields.push({ field: 'subscriptionId', message: 'subscriptionId must be 1-64 characters of A-Z a-z 0-9 _ . : -' });
  }

  const after = body['after'];
  if (typeof after !== 'number' || !Number.isSafeInteger(after) || after < 0) {
    fields.push({ field: 'after', message: 'after must be a non-negative integer position' });
  }

  let topic: EventTopic | undefined;
  const rawTopic = body['topic'];
  if (!isRecord(rawTopic)) {
    fields.push({ field: 'topic', message: 'topic must be an object with a kind' });
  } else if (!EVENT_TOPIC_KINDS.includes(rawTopic['kind'] as EventTopic['kind'])) {
    fields.push({ field: 'topic.kind', message: `topic.kind must be one of: ${EVENT_TOPIC_KINDS.join(', ')}` });
  } else {
    const kind = rawTopic['kind'] as EventTopic['kind'];
    const key = TOPIC_FIELD[kind];
    const value = rawTopic[key];
    const extra = Object.keys(rawTopic).filter((k) => k !== 'kind' && k !== key);
    if (typeof value !== 'string' || value.length === 0 || value.length > TOPIC_VALUE_MAX_LENGTH) {
      fields.push({ field: `topic.${key}`, message: `topic.${key} must be a string of 1-${TOPIC_VALUE_MAX_LENGTH} characters` });
    } else if (extra.length > 0) {
      fields.push({ field: `topic.${extra[0]}`, message: `property topic.${extra[0]} should not exist` });
    } else {
      topic = { kind, [key]: value } as unknown as EventTopic;
    }
  }

  const unknown = Object.keys(body).filter((k) => !['subscriptionId', 'after', 'topic'].includes(k));
  for (const key of unknown) fields.push({ field: key, message: `property ${key} should not exist` });

  if (fields.length > 0 || !topic) return { ok: false, error: validationErrorBody(fields) };
  return { ok: true, value: { subscriptionId: subscriptionId as string, after: after as number, topic } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
