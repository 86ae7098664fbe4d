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

@description('Purge protection: a deleted vault (and the token key in it) cannot be purged for 90 days. Once on, it stays on.')
param purgeProtection bool = true

@description('default: create the vault. recover: bring back the soft-deleted vault of an environment created again under the same name (after `azd down` without --purge).')
@allowed(['default', 'recover'])
param createMode string = 'default'

@description('Enabled, or Disabled when the service is reached only through a private endpoint.')
@allowed(['Enabled', 'Disabled'])
param publicNetworkAccess string = 'Enabled'

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    createMode: createMode
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // Only `true` is accepted once set; leaving it out keeps it off.
    enablePurgeProtection: purgeProtection ? true : null
    publicNetworkAccess: publicNetworkAccess
  }
}

resource vaultSecrets 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = [
  for secret in filter(items(secrets), s => !empty(s.value)): {
    parent: vault
    name: secret.key
    properties: { value: secret.value }
  }
]

output name string = vault.name
output uri string = vault.properties.vaultUri
