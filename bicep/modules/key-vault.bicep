// Key Vault with Azure RBAC (no access policies). Holds the key that encrypts OAuth tokens at rest, the key that
// signs emailed links and the OAuth client secrets; the app reads them with its identity (Key Vault Secrets User).
@description('Name of the key vault.')
param name string

@description('Azure region.')
param location string

@description('Tags for the resource.')
param tags object = {}

@description('Secrets to store, by secret name; empty values are skipped (e.g. an OAuth client that is not configured).')
@secure()
param secrets object

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource vaultSecrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [
  for secret in filter(items(secrets), s => !empty(s.value)): {
    parent: vault
    name: secret.key
    properties: { value: secret.value }
  }
]

output name string = vault.name
output uri string = vault.properties.vaultUri
