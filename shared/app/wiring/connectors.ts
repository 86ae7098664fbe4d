import { createConnectorService, createConnectors, createSnapshots, type ConnectorDeps } from '../../connectors';
import { lazy } from '../../platform/lazy';
import type { Services } from '../services-type';

/** Connected accounts, the provider hub other contexts read through, and run snapshots. */
export function wireConnectors(root: Services): Pick<Services, 'connectorService' | 'connectors' | 'snapshots'> {
  const deps: ConnectorDeps = {
    settings: root.settings,
    clock: root.clock,
    cosmos: root.cosmos,
    blobs: root.blobs,
    audit: root.audit,
    events: root.events,
    installedNeeds: (tenantId) => root.agents().installedNeeds(tenantId),
    count: {
      add: (tenantId, connectorId, save) => root.usage().createCounted(tenantId, 'connectors', connectorId, save),
      remove: (tenantId) => root.usage().giveBack(tenantId, 'connectors'),
    },
  };
  const connectorService = lazy(() => createConnectorService(deps));
  return {
    connectorService,
    connectors: lazy(() => createConnectors(deps, connectorService())),
    snapshots: lazy(() => createSnapshots(deps)),
  };
}
