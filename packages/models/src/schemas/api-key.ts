import Type, { type Static } from 'typebox';
import { Id, IsoDateTime } from './common.js';

export const API_KEY_TIERS = ['free', 'basic', 'pro'] as const;
export const ApiKeyTier = Type.Enum(API_KEY_TIERS);
export type ApiKeyTier = Static<typeof ApiKeyTier>;

/** Only a hash of the key is stored; the key itself is shown once, when it is made. */
export const ApiKeyRecord = Type.Object(
  {
    id: Id,
    keyHash: Type.String({ minLength: 1 }),
    userId: Type.String({ minLength: 1 }),
    tier: ApiKeyTier,
    admin: Type.Boolean(),
    createdAt: IsoDateTime,
  },
  { additionalProperties: false },
);
export type ApiKeyRecord = Static<typeof ApiKeyRecord>;
