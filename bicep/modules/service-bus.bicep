// Service Bus: the domain-events topic and one subscription per consumer, with dead-lettering. Entra ID only.
@description('Name of the Service Bus namespace.')
param name string

@description('Azure region.')
param location string

@description('Tags for the resources.')
param tags object = {}

@description('Topic the app publishes domain events to (EVENTS_TOPIC).')
param topicName string

@description('Subscriptions of the topic, one per serviceBusTopic function.')
param subscriptions array

@description('Deliveries before a message is dead-lettered.')
param maxDeliveryCount int = 10

@description('Enabled, or Disabled when the service is reached only through a private endpoint.')
@allowed(['Enabled', 'Disabled'])
param publicNetworkAccess string = 'Enabled'

@description('Standard, or Premium (needed for a private endpoint).')
@allowed(['Standard', 'Premium'])
param sku string = 'Standard'

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  // Topics need Standard; private endpoints need Premium.
  sku: { name: sku, tier: sku, capacity: sku == 'Premium' ? 1 : null }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: publicNetworkAccess
  }
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = {
  parent: namespace
  name: topicName
  properties: {
    defaultMessageTimeToLive: 'P14D'
    // Publishers set the message id to the event id: a retried publish within the window is dropped.
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT10M'
    enableBatchedOperations: true
  }
}

resource topicSubscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = [
  for s in subscriptions: {
    parent: topic
    name: s
    properties: {
      lockDuration: 'PT1M'
      maxDeliveryCount: maxDeliveryCount
      deadLetteringOnMessageExpiration: true
      deadLetteringOnFilterEvaluationExceptions: true
      defaultMessageTimeToLive: 'P14D'
      enableBatchedOperations: true
    }
  }
]

output name string = namespace.name
// The namespace's own endpoint (https://<name>.servicebus.<cloud suffix>:443/), reduced to its host name.
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '/')[2], ':')[0]
