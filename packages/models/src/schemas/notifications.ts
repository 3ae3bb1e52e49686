import Type, { type Static } from 'typebox';
import type { TerminalStatus } from './backtest-status.js';
import { Id, IsoDateTime, Nullable } from './common.js';

/** What a user can be told about, as webhook `type`s and e-mail subjects name it. */
export const NOTIFICATION_EVENTS = [
  'backtest.completed',
  'backtest.failed',
  'backtest.cancelled',
  'sweep.completed',
  'sweep.failed',
  'sweep.cancelled',
] as const;
export const NotificationEvent = Type.Enum(NOTIFICATION_EVENTS);
export type NotificationEvent = Static<typeof NotificationEvent>;

/** What a notification is about: each kind has its events, `<kind>.<terminal status>`. */
export type NotificationSubject = 'backtest' | 'sweep';

export function eventForStatus(
  subject: NotificationSubject,
  status: TerminalStatus,
): NotificationEvent {
  return `${subject}.${status}`;
}

/**
 * The most subscriptions one user may hold: each finished backtest or sweep fans out to all of
 * them.
 */
export const MAX_WEBHOOKS_PER_USER = 20;
/** The most delivery attempts one page lists. */
export const MAX_DELIVERY_PAGE_SIZE = 100;

const NotificationEvents = Type.Array(NotificationEvent, { minItems: 1, uniqueItems: true });

export const CreateWebhookBody = Type.Object(
  {
    /** http or https; the host must resolve to public addresses only (see docs/api.md). */
    url: Type.String({ minLength: 1, maxLength: 2048 }),
    events: NotificationEvents,
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type CreateWebhookBody = Static<typeof CreateWebhookBody>;

/** A subscription as the api shows it: never its secret, which only the create answer holds. */
export const Webhook = Type.Object(
  {
    id: Id,
    url: Type.String(),
    events: Type.Array(NotificationEvent),
    description: Nullable(Type.String()),
    /** false once deliveries failed for good; `disabledReason` says why. */
    enabled: Type.Boolean(),
    disabledReason: Nullable(Type.String()),
    createdAt: IsoDateTime,
  },
  { additionalProperties: false },
);
export type Webhook = Static<typeof Webhook>;

/** The create answer: the subscription and, this once, its signing secret. */
export const WebhookCreated = Type.Object(
  {
    ...Webhook.properties,
    /** `whsec_` + base64 of 32 random bytes; the key of every signature (Standard Webhooks). */
    secret: Type.String({ pattern: '^whsec_[A-Za-z0-9+/]+={0,2}$' }),
  },
  { additionalProperties: false },
);
export type WebhookCreated = Static<typeof WebhookCreated>;

/** A subscription as the store holds it. */
export interface WebhookRecord extends Webhook {
  ownerId: string;
  /** As issued (`whsec_...`): signing needs the key itself; see docs/api.md on why not encrypted. */
  secret: string;
}

/** One delivery attempt of one message to one subscription. */
export const WebhookDelivery = Type.Object(
  {
    id: Id,
    webhookId: Id,
    /** The `webhook-id` header: the same on every attempt of one message. */
    messageId: Type.String(),
    event: Type.Union([NotificationEvent, Type.Literal('webhook.test')]),
    /** The backtest of a `backtest.*` message; null otherwise. */
    backtestId: Nullable(Id),
    /** The sweep of a `sweep.*` message; null otherwise. */
    sweepId: Nullable(Id),
    /** 1 for the first attempt of the message. */
    attempt: Type.Integer({ minimum: 1 }),
    /** When the attempt started. */
    at: IsoDateTime,
    /** The receiver's HTTP status; null when no answer came (see `error`). */
    statusCode: Nullable(Type.Integer()),
    /** Why the attempt failed (a non-2xx status, a timeout, a refused address); null on success. */
    error: Nullable(Type.String()),
    durationMs: Type.Number({ minimum: 0 }),
    ok: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type WebhookDelivery = Static<typeof WebhookDelivery>;

export const WebhookList = Type.Object(
  { items: Type.Array(Webhook) },
  { additionalProperties: false },
);

export const WebhookDeliveryList = Type.Object(
  { items: Type.Array(WebhookDelivery) },
  { additionalProperties: false },
);

export const NotificationSettingsBody = Type.Object(
  {
    /** Where the e-mails go; null stops them. */
    email: Nullable(Type.String({ format: 'email', maxLength: 254 })),
    events: Type.Array(NotificationEvent, { uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type NotificationSettingsBody = Static<typeof NotificationSettingsBody>;

export const NotificationSettings = Type.Object(
  {
    ...NotificationSettingsBody.properties,
    /** null until the user first puts settings. */
    updatedAt: Nullable(IsoDateTime),
  },
  { additionalProperties: false },
);
export type NotificationSettings = Static<typeof NotificationSettings>;

/** Who hears of one event of one user: found at the terminal transition, one store read. */
export interface NotificationTargets {
  /** Enabled subscriptions to the event. */
  webhookIds: string[];
  /** The address, when the user's e-mail settings include the event. */
  email: string | null;
}
