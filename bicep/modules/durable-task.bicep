// Durable Task Scheduler: the managed backend of Durable Functions (orchestration state, history, work queues),
// consumption SKU, reached only with Entra ID (Durable Task Data Contributor, roles.bicep). The function app finds it
// through DURABLE_TASK_SCHEDULER_CONNECTION_STRING (host.json storageProvider type azureManaged).
@description('Name of the scheduler (3-64 letters, digits and hyphens).')
param name string

@description('Azure region.')
param location string

@description('Tags for the resources.')
param tags object = {}

@description('Task hub the app uses (host.json hubName, TASKHUB_NAME).')
param taskHubName string

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: { name: 'Consumption' }
    // Access is by identity (RBAC); an empty list would refuse every caller, even authorised ones.
    ipAllowlist: ['0.0.0.0/0']
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01' = {
  parent: scheduler
  name: taskHubName
}

output name string = scheduler.name
output endpoint string = scheduler.properties.endpoint
output taskHubName string = taskHub.name
