// Static Web App hosting the SPA (built by azd from web/).
@description('Name of the static web app.')
param name string

@description('Azure region (Static Web Apps run in a few regions only).')
param location string

@description('Tags for the resource; include azd-service-name so azd deploys the SPA here.')
param tags object = {}

@description('Free or Standard plan.')
@allowed(['Free', 'Standard'])
param sku string = 'Free'

resource site 'Microsoft.Web/staticSites@2023-12-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: sku, tier: sku }
  properties: {
    allowConfigFileUpdates: true
    stagingEnvironmentPolicy: 'Disabled'
  }
}

output name string = site.name
output url string = 'https://${site.properties.defaultHostname}'
