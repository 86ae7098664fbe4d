// The function app on the Flex Consumption plan: Node 22, its package in a blob container that only the deployment
// identity can write, and app settings that reference resources by endpoint only (identity-based access).
@description('Name of the function app.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region.')
param location string

@description('Tags for the resources; include azd-service-name so azd deploys the app here.')
param tags object = {}

@description('Resource id of the user-assigned managed identity the app runs as (its code uses this one).')
param identityId string

@description('Resource id of the identity the platform writes and reads the deployment package with.')
param deploymentIdentityId string

@description('Blob container URL the deployment package is read from.')
param deploymentContainerUrl string

@description('Always-ready instances per function group or function, e.g. [{ name: \'durable\', instanceCount: 1 }].')
param alwaysReady array = []

@description('Subnet the app sends its outbound traffic through (VNet integration); empty for none.')
param virtualNetworkSubnetId string = ''

@description('App settings (names as the code reads them). Never keys or connection strings.')
param appSettings object

@description('Set PUBLIC_BASE_URL to this app\'s own address (the API is called on it), known only once the app exists.')
param publicBaseUrlIsOwnAddress bool = false

@description('Origins browsers may call the API from (CORS, without credentials); empty for none.')
param corsAllowedOrigins array = []

@description('Memory per instance in MB (2048 or 4096 on Flex Consumption).')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Upper bound of instances the app scales out to (caps cost and downstream load).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

resource site 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {}, '${deploymentIdentityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      // Only the web app's origin, with the bearer token: no cookies cross origins (connecting an account posts a
      // start ticket in a top-level navigation instead).
      cors: { allowedOrigins: corsAllowedOrigins, supportCredentials: false }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: deploymentIdentityId }
        }
      }
      // Node 20 reached end of life on 2026-04-30; package.json "engines" says the same.
      runtime: { name: 'node', version: '22' }
      scaleAndConcurrency: {
        alwaysReady: alwaysReady
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
    }
  }

  resource settings 'config' = {
    name: 'appsettings'
    properties: union(
      appSettings,
      publicBaseUrlIsOwnAddress ? { PUBLIC_BASE_URL: 'https://${site.properties.defaultHostName}' } : {}
    )
  }

  // No publishing credentials: deployments authenticate with Entra ID.
  resource scm 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: { allow: false }
  }

  resource ftp 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: { allow: false }
  }
}

output id string = site.id
output name string = site.name
output url string = 'https://${site.properties.defaultHostName}'
