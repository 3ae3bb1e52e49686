import { engineVersion } from '@hindsight/service';

/** Salts every fingerprint with the engine's version: a new engine must not answer from an old one's results. */
export function fingerprintSalt(): string {
  return `@hindsight/engine@${engineVersion()}`;
}
