// Cosmos DB for NoSQL: the account (Entra ID only, keys disabled), the database and every container the app uses.
@description('Name of the Cosmos DB account.')
param name string

@description('Azure region.')
param location string

@description('Tags for the resources.')
param tags object = {}

@description('Database name (the app reads it from COSMOS_DATABASE).')
param databaseName string

@description('Containers to create: { name, partitionKey, defaultTtl?, excludedPaths?, compositeIndexes? }.')
param containers array

@description('serverless: pay per request, best for personal use and spiky load. autoscale: provisioned RU/s shared by all containers, scaling between 10% and 100% of the maximum.')
@allowed(['serverless', 'autoscale'])
param throughputMode string = 'serverless'

@description('Maximum RU/s of the database when throughputMode is autoscale (at least 1000).')
@minValue(1000)
param autoscaleMaxThroughput int = 1000

var serverless = throughputMode == 'serverless'

@description('Enabled, or Disabled when the service is reached only through a private endpoint.')
@allowed(['Enabled', 'Disabled'])
param publicNetworkAccess string = 'Enabled'

resource account 'Microsoft.DocumentDB/databaseAccounts@2025-04-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [{ locationName: location, failoverPriority: 0, isZoneRedundant: false }]
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    capabilities: serverless ? [{ name: 'EnableServerless' }] : []
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: publicNetworkAccess
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2025-04-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: { id: databaseName }
    options: serverless ? {} : { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } }
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-04-15' = [
  for c in containers: {
    parent: database
    name: c.name
    properties: {
      resource: union(
        {
          id: c.name
          partitionKey: { paths: [c.partitionKey], kind: 'Hash', version: 2 }
          indexingPolicy: {
            indexingMode: 'consistent'
            automatic: true
            includedPaths: [{ path: '/*' }]
            excludedPaths: concat([{ path: '/"_etag"/?' }], map(c.?excludedPaths ?? [], p => { path: p }))
            compositeIndexes: c.?compositeIndexes ?? []
          }
        },
        // -1: TTL on without a default, so each document may carry its own `ttl` (retention).
        contains(c, 'defaultTtl') ? { defaultTtl: c.defaultTtl } : {}
      )
    }
  }
]

output name string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
