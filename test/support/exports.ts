import type { LocalPlatform } from '../../local/testing';
import { eventually } from './eventually';

/**
 * Exports the person's data as they would: asks for an export, waits until it is ready, follows its download link.
 * Answers the file's text and the export's final status.
 */
export async function exportData(
  platform: LocalPlatform,
  token: string,
): Promise<{ text: string; status: Record<string, any> }> {
  const started = await platform.api('/me/exports', { method: 'POST', token });
  if (started.status !== 202) throw new Error(`export refused: ${started.status} ${await started.text()}`);
  const { id } = (await started.json()) as { id: string };
  const status = await eventually(
    async () => (await platform.api(`/me/exports/${id}`, { token })).json() as Promise<Record<string, any>>,
    (body) => body.status !== 'running',
    'the export to finish',
    60_000,
  );
  if (status.status !== 'ready') throw new Error(`export ${status.status}: ${status.reason}`);
  const file = await fetch(status.download.url);
  if (file.status !== 200) throw new Error(`download answered ${file.status}`);
  return { text: await file.text(), status };
}
