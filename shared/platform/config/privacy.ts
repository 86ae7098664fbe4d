import { z } from 'zod';
import { intSetting } from './env';

/** Export and erasure. */
export const privacySettings = z.object({
  /** Exports up to this size (bytes) are answered inline; larger ones are stored as a blob and linked (202). */
  EXPORT_INLINE_MAX_BYTES: intSetting(4 * 1024 * 1024),
});
