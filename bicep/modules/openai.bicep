// Azure OpenAI (optional): the account (Entra ID only) and one model deployment.
@description('Name of the Azure OpenAI account; also its custom subdomain.')
param name string

@description('Azure region (must offer the chosen model).')
param location string

@description('Tags for the resource.')
param tags object = {}

@description('Model deployments: { name, model, version, capacity } (capacity in thousands of tokens per minute).')
param deployments array

@description('Enabled, or Disabled when the service is reached only through a private endpoint.')
@allowed(['Enabled', 'Disabled'])
param publicNetworkAccess string = 'Enabled'

resource account 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: { name: 'S0' }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: publicNetworkAccess
  }
}

// One at a time: the service rejects parallel deployment changes on an account.
@batchSize(1)
resource modelDeployments 'Microsoft.CognitiveServices/accounts/deployments@2025-06-01' = [
  for d in deployments: {
    parent: account
    name: d.name
    sku: { name: 'GlobalStandard', capacity: d.capacity }
    properties: {
      model: { format: 'OpenAI', name: d.model, version: d.version }
      versionUpgradeOption: 'OnceNewDefaultVersionAvailable'
    }
  }
]

output name string = account.name
output endpoint string = account.properties.endpoint
