import { z } from 'zod';
import { intSetting } from './env';

/** Export and erasure. */
export const privacySettings = z.object({
  /** How long a finished data export is kept before its file and record are deleted. */
  EXPORT_RETENTION_HOURS: intSetting(7 * 24),
  /** How long an export's download link works (a fresh one comes with every status read). */
  EXPORT_LINK_TTL_SECONDS: intSetting(15 * 60),
});
