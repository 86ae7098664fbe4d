// Static Web App hosting the SPA (built by azd from web/). The Standard plan is required: the function app is linked
// to it as its backend (modules/static-web-app-backend.bicep), so the SPA and the API share this one origin.
@description('Name of the static web app.')
param name string

@description('Azure region (Static Web Apps run in a few regions only).')
param location string

@description('Tags for the resource; include azd-service-name so azd deploys the SPA here.')
param tags object = {}

resource site 'Microsoft.Web/staticSites@2024-11-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: 'Standard', tier: 'Standard' }
  properties: {
    allowConfigFileUpdates: true
    stagingEnvironmentPolicy: 'Disabled'
  }
}

output name string = site.name
output url string = 'https://${site.properties.defaultHostname}'
