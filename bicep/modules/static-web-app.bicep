// Static Web App hosting the SPA (built by azd from web/). The Standard plan is needed only to link the function app
// as its backend (modules/static-web-app-backend.bicep, webApiMode linked); the SPA alone runs on Free.
@description('Name of the static web app.')
param name string

@description('Azure region (Static Web Apps run in a few regions only).')
param location string

@description('Tags for the resource; include azd-service-name so azd deploys the SPA here.')
param tags object = {}

@description('Free, or Standard for a linked backend.')
@allowed(['Free', 'Standard'])
param sku string

resource site 'Microsoft.Web/staticSites@2024-11-01' = {
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
