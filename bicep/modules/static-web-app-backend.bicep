// Links the function app to the static web app as its backend: https://<static web app>/api/* is proxied to the
// function app, so the SPA, the API, OAuth callbacks and emailed links all use the static web app's origin (the
// connectors' browser-binding cookie is first-party). Linking also turns on the function app's built-in
// authentication with the "Azure Static Web Apps (Linked)" provider: the function app then answers only requests
// that come through the static web app. Linked backends need the Standard plan.
@description('Name of the static web app (Standard plan).')
param staticWebAppName string

@description('Resource id of the function app serving /api.')
param backendResourceId string

@description('Azure region of the function app.')
param backendRegion string

resource site 'Microsoft.Web/staticSites@2024-11-01' existing = {
  name: staticWebAppName
}

resource backend 'Microsoft.Web/staticSites/linkedBackends@2024-11-01' = {
  parent: site
  name: 'api'
  properties: {
    backendResourceId: backendResourceId
    region: backendRegion
  }
}

output backendResourceId string = backend.properties.backendResourceId
