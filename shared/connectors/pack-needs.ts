import type { CosmosStore } from '../platform/cosmos/store';
import { getTemplate } from '../catalog/templates';
import { getPack } from '../packs/built-in-packs';
import type { ConnectorFamily } from './types';

/**
 * Families the tenant's installed packs read or act on: what a connection asks consent for when the person does not
 * name families. Reads the pack installs (packs container) and the packs' templates.
 */
export async function installedPackFamilies(store: CosmosStore, tenantId: string): Promise<ConnectorFamily[]> {
  const container = await store.container('packs');
  const { resources } = await container.items
    .query<{ packId: string }>(
      {
        query: 'SELECT c.packId FROM c WHERE c.tenantId = @t AND c.type = "packInstall"',
        parameters: [{ name: '@t', value: tenantId }],
      },
      { partitionKey: tenantId },
    )
    .fetchAll();
  const families = new Set<ConnectorFamily>();
  for (const { packId } of resources) {
    try {
      for (const agent of getPack(packId).agents)
        for (const need of getTemplate(agent.templateId).families) families.add(need.family);
    } catch {
      // A pack or template that no longer exists asks for nothing.
    }
  }
  return [...families];
}
