// Personal Agents Platform on Azure: one resource group with the function app (Flex Consumption), its storage,
// Cosmos DB, Service Bus, Key Vault, monitoring, email, the SPA's static web app and, optionally, Azure OpenAI.
// Every data-plane permission goes to one user-assigned identity (modules/roles.bicep); no keys in app settings.
targetScope = 'subscription'

@description('Name of the environment (azd env name); used to name the resource group and derive resource names.')
@minLength(1)
@maxLength(40)
param environmentName string

@description('Azure region for the resources (one that offers Flex Consumption).')
param location string

@description('How the web app reaches the API. direct: the API answers on the function app\'s own address, with CORS for the static web app\'s origin only and the bearer token in Authorization (the static web app is on the Free plan). linked: the function app is the static web app\'s linked backend (Standard plan) and the API shares the web app\'s origin under /api; Static Web Apps documents linking for Consumption, Premium and Dedicated function apps, not for Flex Consumption.')
@allowed(['direct', 'linked'])
param webApiMode string = 'direct'

@description('Region of the static web app (Static Web Apps run in a few regions: westus2, centralus, eastus2, westeurope, eastasia).')
param staticWebAppLocation string = 'westeurope'

@description('Where Azure Communication Services keeps email data (e.g. Europe, United States).')
param emailDataLocation string = 'Europe'

// ---- Sign-in (Microsoft Entra ID app registrations, see README "Deploying to Azure") ----

@description('Directory (tenant) id of the Entra ID tenant people sign in with.')
param authTenantId string = tenant().tenantId

@description('Application (client) id of the API app registration; access tokens must carry it as audience.')
param authApiClientId string

@description('Application (client) id of the SPA app registration (public client, no secret).')
param authSpaClientId string

@description('Issuer of access tokens; empty for the Entra v2.0 issuer of authTenantId.')
param authIssuer string = ''

// ---- Connectors (OAuth clients; leave a client id empty to hide that provider) ----

@description('Google OAuth client id (Gmail, Calendar, Drive).')
param googleClientId string = ''

@description('Google OAuth client secret; stored in Key Vault.')
@secure()
param googleClientSecret string = ''

@description('Microsoft (Entra ID) OAuth client id for Outlook, Calendar and OneDrive.')
param microsoftClientId string = ''

@description('Microsoft OAuth client secret; stored in Key Vault.')
@secure()
param microsoftClientSecret string = ''

@description('Entra authority for connecting Microsoft accounts (common = work, school and personal accounts).')
param microsoftAuthority string = '${environment().authentication.loginEndpoint}common'

@description('Notion public integration OAuth client id.')
param notionClientId string = ''

@description('Notion OAuth client secret; stored in Key Vault.')
@secure()
param notionClientSecret string = ''

// ---- Push notifications (leave pushBaseUrl empty to find changes by polling only) ----

@description('Public https origin Google Pub/Sub and Microsoft Graph post change notifications to: the function app\'s own origin (a proxy that replaces the Authorization header would drop the token Pub/Sub signs). Empty: no push.')
param pushBaseUrl string = ''

@description('Gmail push: the Pub/Sub topic users.watch publishes to, projects/<project>/topics/<topic> (Gmail must be allowed to publish to it). Empty: Gmail is polled.')
param gmailPushTopic string = ''

@description('Gmail push: the audience configured on the topic\'s push subscription (the aud of its OIDC token).')
param gmailPushAudience string = ''

@description('Gmail push: the service account the push subscription signs its OIDC tokens as.')
param gmailPushServiceAccount string = ''

// ---- Keys (generate each with: openssl rand -base64 32) ----

@description('Key that encrypts OAuth tokens at rest (base64 of 32 random bytes). Stored only in Key Vault; a new value adds a new secret version, older versions keep decrypting older tokens.')
@secure()
@minLength(44)
param tokenEncryptionKey string

@description('Key that signs emailed approval links (base64 of at least 32 random bytes). Stored only in Key Vault.')
@secure()
@minLength(44)
param approvalLinkKey string

@description('Key of the keyed hash (HMAC) under which personal access tokens are stored (base64 of at least 32 random bytes). Stored only in Key Vault; changing it invalidates every token.')
@secure()
@minLength(44)
param apiTokenKey string

// ---- Model ----

@description('offline: deterministic rules, no model; azure-openai: deploy Azure OpenAI here and call it with the app identity; openai / compatible: an external endpoint with an API key.')
@allowed(['offline', 'azure-openai', 'openai', 'compatible'])
param aiProvider string = 'azure-openai'

@description('Region of the Azure OpenAI account (must offer the model); empty for the same region as the rest.')
param openAiLocation string = ''

@description('Azure OpenAI model to deploy; its deployment name is the model name.')
param openAiModel string = 'gpt-4o-mini'

@description('Version of the Azure OpenAI model; changes with openAiModel (e.g. gpt-4o-mini 2024-07-18, gpt-4o 2024-11-20).')
param openAiModelVersion string = '2024-07-18'

@description('Capacity of the model deployment in thousands of tokens per minute (within your quota for the model and region).')
@minValue(1)
param openAiCapacity int = 30

@description('Base URL of an OpenAI-compatible endpoint (aiProvider compatible, or a proxy for openai).')
param aiBaseUrl string = ''

@description('API key for aiProvider openai / compatible; stored in Key Vault.')
@secure()
param aiApiKey string = ''

// ---- Capacity and cost ----

@description('Cosmos DB capacity: serverless (pay per request) or autoscale (provisioned RU/s shared by the containers). Chosen once per environment: an existing account cannot switch.')
@allowed(['serverless', 'autoscale'])
param cosmosThroughputMode string = 'serverless'

@description('Maximum RU/s of the database in autoscale mode.')
@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

@description('Most instances the function app scales out to.')
@minValue(40)
@maxValue(1000)
param functionMaximumInstanceCount int = 100

@description('Memory per function app instance in MB.')
@allowed([512, 2048, 4096])
param functionInstanceMemoryMB int = 2048

@description('Backend of Durable Functions: durable-task-scheduler (managed, recommended on Flex Consumption) or azure-storage (queues and tables in the storage account, with one always-ready instance for the durable group).')
@allowed(['durable-task-scheduler', 'azure-storage'])
param durableBackend string = 'durable-task-scheduler'

@description('Key Vault purge protection (the token key cannot be purged for 90 days after deletion). Turn off only for throwaway environments, before their first deployment: it cannot be turned off later.')
param keyVaultPurgeProtection bool = true

@description('Recover the soft-deleted key vault of an earlier environment with the same name instead of creating it (after `azd down` without --purge).')
param keyVaultRecover bool = false

@description('Put Cosmos DB, both storage accounts, Service Bus (then Premium), Key Vault and Azure OpenAI behind private endpoints in a new virtual network, with the function app\'s outbound traffic through it (VNet integration) and private DNS zones. Off: the services are public, reached with Entra ID only.')
param privateNetworking bool = false

@description('Subscription tier new tenants start on.')
@allowed(['free', 'pro', 'team'])
param defaultTier string = 'free'

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var names = {
  identity: 'id-${resourceToken}'
  deploymentIdentity: 'id-deploy-${resourceToken}'
  deploymentStorage: 'stpkg${resourceToken}'
  durableTaskScheduler: 'dts-${resourceToken}'
  network: 'vnet-${resourceToken}'
  logAnalytics: 'log-${resourceToken}'
  applicationInsights: 'appi-${resourceToken}'
  storage: 'st${resourceToken}'
  cosmos: 'cosmos-${resourceToken}'
  serviceBus: 'sb-${resourceToken}'
  keyVault: 'kv-${resourceToken}'
  openAi: 'oai-${resourceToken}'
  communication: 'acs-${resourceToken}'
  emailService: 'acs-email-${resourceToken}'
  staticWebApp: 'swa-${resourceToken}'
  plan: 'plan-${resourceToken}'
  functionApp: 'func-${resourceToken}'
}
var deploymentContainerName = 'app-package'
var dataContainerName = 'tenant-data'
var databaseName = 'agents'
var eventsTopicName = 'domain-events'
var taskHubName = 'agents'
var deployOpenAi = aiProvider == 'azure-openai'
var useDurableTaskScheduler = durableBackend == 'durable-task-scheduler'
var publicNetworkAccess = privateNetworking ? 'Disabled' : 'Enabled'
var linkedBackend = webApiMode == 'linked'

// Every Cosmos container of shared/platform/cosmos/containers.ts (test/deploy checks the two agree).
var cosmosContainers = [
  { name: 'tenants', partitionKey: '/tenantId' }
  { name: 'usage', partitionKey: '/tenantId', defaultTtl: -1 }
  { name: 'audit', partitionKey: '/tenantId', defaultTtl: -1, excludedPaths: ['/before/*', '/after/*'] }
  { name: 'agents', partitionKey: '/tenantId' }
  { name: 'packs', partitionKey: '/tenantId' }
  { name: 'workflows', partitionKey: '/tenantId' }
  { name: 'runs', partitionKey: '/tenantId', defaultTtl: -1, excludedPaths: ['/steps/[]/output/*'] }
  { name: 'suggestions', partitionKey: '/tenantId', defaultTtl: -1, excludedPaths: ['/payload/*', '/preview/*'] }
  { name: 'connectors', partitionKey: '/tenantId' }
  { name: 'snapshots', partitionKey: '/tenantId', defaultTtl: -1 }
  { name: 'analytics', partitionKey: '/tenantId', defaultTtl: -1 }
  { name: 'apiTokens', partitionKey: '/tenantId', defaultTtl: -1 }
  { name: 'webhooks', partitionKey: '/tenantId' }
  { name: 'webhookDeliveries', partitionKey: '/tenantId', defaultTtl: -1 }
  { name: 'eventState', partitionKey: '/tenantId' }
  { name: 'exports', partitionKey: '/tenantId', defaultTtl: -1 }
  { name: 'system', partitionKey: '/pk', defaultTtl: -1 }
]

// One subscription of the events topic per serviceBusTopic function (test/deploy checks the names).
var eventSubscriptions = [
  'approvals'
  'notifications'
  'analytics'
  'event-runs'
  'webhooks'
]

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

// Only the platform uses this one: it writes and reads the deployment package (the app's code uses `identity`).
module deploymentIdentity 'modules/identity.bicep' = {
  name: 'deployment-identity'
  scope: rg
  params: {
    name: names.deploymentIdentity
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: names.storage
    location: location
    tags: tags
    containerNames: [dataContainerName]
    publicNetworkAccess: publicNetworkAccess
  }
}

// The deployment package lives in its own account, which the app's identity has no role on.
module deploymentStorage 'modules/storage.bicep' = {
  name: 'deployment-storage'
  scope: rg
  params: {
    name: names.deploymentStorage
    location: location
    tags: tags
    containerNames: [deploymentContainerName]
    publicNetworkAccess: publicNetworkAccess
  }
}

module durableTask 'modules/durable-task.bicep' = if (useDurableTaskScheduler) {
  name: 'durable-task'
  scope: rg
  params: {
    name: names.durableTaskScheduler
    location: location
    tags: tags
    taskHubName: taskHubName
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    name: names.cosmos
    location: location
    tags: tags
    databaseName: databaseName
    containers: cosmosContainers
    throughputMode: cosmosThroughputMode
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    publicNetworkAccess: publicNetworkAccess
  }
}

module serviceBus 'modules/service-bus.bicep' = {
  name: 'service-bus'
  scope: rg
  params: {
    name: names.serviceBus
    location: location
    tags: tags
    topicName: eventsTopicName
    subscriptions: eventSubscriptions
    sku: privateNetworking ? 'Premium' : 'Standard'
    publicNetworkAccess: publicNetworkAccess
  }
}

// A Key Vault reference is written only for a secret that is stored: an empty secret would leave an unresolvable one.
var hasGoogleSecret = !empty(googleClientId) && !empty(googleClientSecret)
var hasMicrosoftSecret = !empty(microsoftClientId) && !empty(microsoftClientSecret)
var hasNotionSecret = !empty(notionClientId) && !empty(notionClientSecret)

var secretNames = {
  tokenKey: 'connector-token-key'
  approvalLinkKey: 'approval-link-key'
  apiTokenKey: 'api-token-key'
  googleClientSecret: 'google-client-secret'
  microsoftClientSecret: 'microsoft-client-secret'
  notionClientSecret: 'notion-client-secret'
  aiApiKey: 'ai-api-key'
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: tags
    purgeProtection: keyVaultPurgeProtection
    createMode: keyVaultRecover ? 'recover' : 'default'
    publicNetworkAccess: publicNetworkAccess
    secrets: {
      '${secretNames.tokenKey}': tokenEncryptionKey
      '${secretNames.approvalLinkKey}': approvalLinkKey
      '${secretNames.apiTokenKey}': apiTokenKey
      '${secretNames.googleClientSecret}': hasGoogleSecret ? googleClientSecret : ''
      '${secretNames.microsoftClientSecret}': hasMicrosoftSecret ? microsoftClientSecret : ''
      '${secretNames.notionClientSecret}': hasNotionSecret ? notionClientSecret : ''
      '${secretNames.aiApiKey}': aiApiKey
    }
  }
}

module openAi 'modules/openai.bicep' = if (deployOpenAi) {
  name: 'openai'
  scope: rg
  params: {
    name: names.openAi
    location: empty(openAiLocation) ? location : openAiLocation
    tags: tags
    deployments: [
      { name: openAiModel, model: openAiModel, version: openAiModelVersion, capacity: openAiCapacity }
    ]
    publicNetworkAccess: publicNetworkAccess
  }
}

module communication 'modules/communication.bicep' = {
  name: 'communication'
  scope: rg
  params: {
    name: names.communication
    emailServiceName: names.emailService
    dataLocation: emailDataLocation
    tags: tags
  }
}

module web 'modules/static-web-app.bicep' = {
  name: 'static-web-app'
  scope: rg
  params: {
    name: names.staticWebApp
    location: staticWebAppLocation
    tags: union(tags, { 'azd-service-name': 'web' })
    // Only a linked backend needs the Standard plan.
    sku: linkedBackend ? 'Standard' : 'Free'
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    durableUsesStorage: !useDurableTaskScheduler
    durableTaskSchedulerName: useDurableTaskScheduler ? names.durableTaskScheduler : ''
    deploymentPrincipalId: deploymentIdentity.outputs.principalId
    deploymentStorageAccountName: deploymentStorage.outputs.name
    cosmosAccountName: cosmos.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    communicationServiceName: communication.outputs.name
    openAiAccountName: deployOpenAi ? names.openAi : ''
  }
  dependsOn: [openAi, durableTask]
}

var loginEndpoint = environment().authentication.loginEndpoint
var issuer = empty(authIssuer) ? '${loginEndpoint}${authTenantId}/v2.0' : authIssuer
var keyVaultReference = 'VaultName=${names.keyVault};SecretName='

// The function app's settings: exactly the names shared/platform/config reads (test/deploy checks both ways),
// plus the host's own identity-based connections. Secrets are Key Vault references resolved with the app identity.
var appSettings = {
  // Functions host: its storage through the managed identity. The Durable backend's settings are durableSettings.
  AzureWebJobsStorage__accountName: storage.outputs.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.outputs.clientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
  TASKHUB_NAME: taskHubName

  // Core
  APP_ENV: 'azure'
  // The API's public address (OAuth redirect URIs, the connect flow's start, the OpenAPI server): the static web app's
  // with a linked backend; empty for the function app's own, which its module fills in once the app has a host name.
  PUBLIC_BASE_URL: linkedBackend ? web.outputs.url : ''
  // Where people are sent back to (OAuth callbacks, emailed links).
  WEB_BASE_URL: web.outputs.url
  AZURE_CLIENT_ID: identity.outputs.clientId
  COSMOS_ENDPOINT: cosmos.outputs.endpoint
  COSMOS_DATABASE: databaseName
  BLOB_ENDPOINT: storage.outputs.blobEndpoint
  BLOB_CONTAINER: dataContainerName
  EVENTS_MODE: 'servicebus'
  EVENTS_TOPIC: eventsTopicName
  ServiceBusConnection__fullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
  ServiceBusConnection__credential: 'managedidentity'
  ServiceBusConnection__clientId: identity.outputs.clientId
  HTTP_MAX_BODY_BYTES: '1048576'

  // Sign-in
  AUTH_ISSUER: issuer
  AUTH_AUDIENCE: authApiClientId
  AUTH_JWKS_URI: '${loginEndpoint}${authTenantId}/discovery/v2.0/keys'
  AUTH_CLOCK_SKEW_SECONDS: '60'
  AUTH_JWKS_COOLDOWN_SECONDS: '30'
  AUTH_SPA_CLIENT_ID: authSpaClientId
  // Only the web app's delegated tokens with the API's scope are accepted (never app-only tokens).
  AUTH_ALLOWED_CLIENT_IDS: authSpaClientId
  AUTH_REQUIRED_SCOPE: 'access_as_user'
  // Static Web Apps overwrites Authorization on requests it proxies to a linked function app.
  AUTH_TOKEN_HEADER: linkedBackend ? 'x-client-authorization' : 'authorization'
  AUTH_API_SCOPE: 'openid profile email offline_access api://${authApiClientId}/access_as_user'

  // Suggestions, approvals and email
  SUGGESTION_EXPIRY_SECONDS: '259200'
  SUGGESTION_REMINDER_BEFORE_SECONDS: '43200'
  SUGGESTION_UNDO_WINDOW_SECONDS: '900'
  APPROVAL_LINK_TTL_SECONDS: '172800'
  APPROVAL_LINK_KEY: '@Microsoft.KeyVault(${keyVaultReference}${secretNames.approvalLinkKey})'

  // Personal access tokens and webhooks (webhooks reach public HTTPS addresses only: no loopback setting here)
  API_TOKEN_KEY: '@Microsoft.KeyVault(${keyVaultReference}${secretNames.apiTokenKey})'
  WEBHOOK_RETRY_FIRST_SECONDS: '30'
  WEBHOOK_MAX_ATTEMPTS: '8'
  WEBHOOK_TIMEOUT_MS: '10000'
  EMAIL_TRANSPORT: 'acs'
  EMAIL_FROM: 'Personal Agents <${communication.outputs.senderAddress}>'
  ACS_EMAIL_ENDPOINT: communication.outputs.endpoint
  TIME_SAVED_MINUTES: ''

  // Connectors
  GOOGLE_CLIENT_ID: googleClientId
  GOOGLE_CLIENT_SECRET: !hasGoogleSecret ? '' : '@Microsoft.KeyVault(${keyVaultReference}${secretNames.googleClientSecret})'
  GOOGLE_AUTH_URL: 'https://accounts.google.com/o/oauth2/v2/auth'
  GOOGLE_TOKEN_URL: 'https://oauth2.googleapis.com/token'
  GOOGLE_REVOKE_URL: 'https://oauth2.googleapis.com/revoke'
  GOOGLE_USERINFO_URL: 'https://openidconnect.googleapis.com/v1/userinfo'
  MICROSOFT_CLIENT_ID: microsoftClientId
  MICROSOFT_CLIENT_SECRET: !hasMicrosoftSecret ? '' : '@Microsoft.KeyVault(${keyVaultReference}${secretNames.microsoftClientSecret})'
  MICROSOFT_AUTHORITY: microsoftAuthority
  // Microsoft Graph of the cloud this deploys to (the code trims its trailing slash).
  MICROSOFT_GRAPH_BASE_URL: environment().graph
  MICROSOFT_REVOKE_URL: ''
  NOTION_CLIENT_ID: notionClientId
  NOTION_CLIENT_SECRET: !hasNotionSecret ? '' : '@Microsoft.KeyVault(${keyVaultReference}${secretNames.notionClientSecret})'
  NOTION_AUTH_URL: 'https://api.notion.com/v1/oauth/authorize'
  NOTION_TOKEN_URL: 'https://api.notion.com/v1/oauth/token'
  NOTION_REVOKE_URL: 'https://api.notion.com/v1/oauth/revoke'
  NOTION_API_BASE_URL: 'https://api.notion.com'
  CONNECTOR_KEY_VAULT_URL: keyVault.outputs.uri
  CONNECTOR_KEY_SECRET_NAME: secretNames.tokenKey
  CONNECTOR_STATE_TTL_SECONDS: '600'
  CONNECTOR_REFRESH_AHEAD_SECONDS: '300'
  CONNECTOR_MAX_RETRIES: '3'
  CONNECTOR_MAX_RETRY_DELAY_MS: '10000'
  CONNECTOR_MAX_PAGES: '10'
  SNAPSHOT_RETENTION_DAYS: '30'

  // Push notifications (empty PUSH_BASE_URL: changes are polled)
  PUSH_BASE_URL: pushBaseUrl
  GMAIL_PUSH_TOPIC: gmailPushTopic
  GMAIL_PUSH_AUDIENCE: gmailPushAudience
  GMAIL_PUSH_SERVICE_ACCOUNT: gmailPushServiceAccount
  GOOGLE_PUSH_JWKS_URL: 'https://www.googleapis.com/oauth2/v3/certs'
  GRAPH_SUBSCRIPTION_MINUTES: '4200'
  PUSH_RENEW_AHEAD_MINUTES: '720'
  PUSH_RENEW_CONCURRENCY: '4'

  // Agents and the AI gateway
  AI_PROVIDER: aiProvider
  AI_BASE_URL: aiBaseUrl
  AI_API_KEY: empty(aiApiKey) ? '' : '@Microsoft.KeyVault(${keyVaultReference}${secretNames.aiApiKey})'
  AZURE_OPENAI_ENDPOINT: openAi.?outputs.endpoint ?? ''
  AZURE_OPENAI_API_VERSION: '2024-10-21'
  AI_MODEL_SMALL: openAiModel
  AI_MODEL_LARGE: openAiModel
  AI_PRICES: ''
  AI_TIMEOUT_MS: '60000'
  AI_MAX_RETRIES: '3'
  AI_MAX_RETRY_DELAY_MS: '20000'
  AI_BATCH_MAX_ITEMS: '100'
  AI_MAX_OUTPUT_TOKENS: '4000'
  AI_TASK_MAX_OUTPUT_TOKENS: ''
  RUN_MAX_TOKENS: '400000'
  SCHEDULE_CATCH_UP_MINUTES: '60'
  WORKFLOW_MAX_STEPS: '10'
  // Event triggers: polling where no push notification arrives
  EVENT_POLL_SECONDS: '60'
  EVENT_POLL_CONCURRENCY: '16'
  EVENT_POLL_BATCH: '1000'

  // Tiers, retention and feature flags
  DEFAULT_TIER: defaultTier
  TIER_LIMITS: ''
  // Per-tenant (by tier) and per-address token buckets of the API, per instance (see README, Rate limits).
  API_RATE_LIMIT_ENABLED: 'true'
  API_RATE_LIMITS: ''
  AUDIT_RETENTION_DAYS: '365'
  FEATURE_FLAGS: ''

  // Privacy
  EXPORT_RETENTION_HOURS: '168'
  EXPORT_LINK_TTL_SECONDS: '900'
}

// Durable Functions' backend. host.json names the Durable Task Scheduler (storageProvider type azureManaged, its
// connection in DURABLE_TASK_SCHEDULER_CONNECTION_STRING); the azure-storage backend overrides those host.json values
// with AzureFunctionsJobHost__ settings and keeps the task hub in the host's storage account.
var durableHostOverride = 'AzureFunctionsJobHost__extensions__durableTask__storageProvider__'
var durableSettings = useDurableTaskScheduler
  ? {
      DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Endpoint=${durableTask.?outputs.endpoint ?? ''};Authentication=ManagedIdentity;ClientID=${identity.outputs.clientId}'
    }
  : {
      '${durableHostOverride}type': 'AzureStorage'
      '${durableHostOverride}connectionName': 'AzureWebJobsStorage'
      '${durableHostOverride}connectionStringName': 'AzureWebJobsStorage'
      '${durableHostOverride}partitionCount': '4'
      '${durableHostOverride}maxQueuePollingInterval': '00:00:05'
    }

// ---- Private networking (privateNetworking) ----

// Each service's private endpoint: its sub-resource and the DNS zone its private name lives in. Resource ids are
// built from the names (known before the deployment starts), so the endpoints can be a loop.
var rgId = '${subscription().id}/resourceGroups/rg-${environmentName}'
var storageSuffix = environment().suffixes.storage
var privateEndpointTargets = concat(
  [
    { name: 'cosmos', type: 'Microsoft.DocumentDB/databaseAccounts', resource: names.cosmos, groupId: 'Sql', zone: 'privatelink.documents.azure.com' }
    { name: 'blob', type: 'Microsoft.Storage/storageAccounts', resource: names.storage, groupId: 'blob', zone: 'privatelink.blob.${storageSuffix}' }
    { name: 'queue', type: 'Microsoft.Storage/storageAccounts', resource: names.storage, groupId: 'queue', zone: 'privatelink.queue.${storageSuffix}' }
    { name: 'table', type: 'Microsoft.Storage/storageAccounts', resource: names.storage, groupId: 'table', zone: 'privatelink.table.${storageSuffix}' }
    { name: 'package', type: 'Microsoft.Storage/storageAccounts', resource: names.deploymentStorage, groupId: 'blob', zone: 'privatelink.blob.${storageSuffix}' }
    { name: 'servicebus', type: 'Microsoft.ServiceBus/namespaces', resource: names.serviceBus, groupId: 'namespace', zone: 'privatelink.servicebus.windows.net' }
    { name: 'vault', type: 'Microsoft.KeyVault/vaults', resource: names.keyVault, groupId: 'vault', zone: 'privatelink.vaultcore.azure.net' }
  ],
  deployOpenAi
    ? [{ name: 'openai', type: 'Microsoft.CognitiveServices/accounts', resource: names.openAi, groupId: 'account', zone: 'privatelink.openai.azure.com' }]
    : []
)

module network 'modules/network.bicep' = if (privateNetworking) {
  name: 'network'
  scope: rg
  params: {
    name: names.network
    location: location
    tags: tags
    privateDnsZoneNames: union(map(privateEndpointTargets, t => t.zone), [])
  }
}

module privateEndpoints 'modules/private-endpoint.bicep' = [
  for t in (privateNetworking ? privateEndpointTargets : []): {
    name: 'private-endpoint-${t.name}'
    scope: rg
    params: {
      name: 'pe-${t.name}-${resourceToken}'
      location: location
      tags: tags
      subnetId: network.?outputs.privateEndpointSubnetId ?? ''
      targetResourceId: '${rgId}/providers/${t.type}/${t.resource}'
      groupId: t.groupId
      privateDnsZoneId: '${rgId}/providers/Microsoft.Network/privateDnsZones/${t.zone}'
    }
    dependsOn: [cosmos, storage, deploymentStorage, serviceBus, keyVault, openAi]
  }
]

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: union(tags, { 'azd-service-name': 'api' })
    identityId: identity.outputs.id
    deploymentIdentityId: deploymentIdentity.outputs.id
    deploymentContainerUrl: '${deploymentStorage.outputs.blobEndpoint}${deploymentContainerName}'
    appSettings: union(appSettings, durableSettings)
    publicBaseUrlIsOwnAddress: !linkedBackend
    // Browsers call the API across origins only from the web app, with the bearer token (no cookies).
    corsAllowedOrigins: linkedBackend ? [] : [web.outputs.url]
    // With queues and tables, Durable work is found by polling: keep one instance of the durable group ready so
    // orchestrations and timers do not wait for a scale-from-zero decision (Flex Consumption guidance).
    alwaysReady: useDurableTaskScheduler ? [] : [{ name: 'durable', instanceCount: 1 }]
    virtualNetworkSubnetId: network.?outputs.appSubnetId ?? ''
    instanceMemoryMB: functionInstanceMemoryMB
    maximumInstanceCount: functionMaximumInstanceCount
  }
  // The app starts once its identity holds its roles and, with private networking, its endpoints exist.
  dependsOn: [roles, privateEndpoints]
}

// linked: https://<static web app>/api/* is proxied to the function app.
module webBackend 'modules/static-web-app-backend.bicep' = if (linkedBackend) {
  name: 'static-web-app-backend'
  scope: rg
  params: {
    staticWebAppName: web.outputs.name
    backendResourceId: functionApp.outputs.id
    backendRegion: location
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_TENANT_ID string = tenant().tenantId
output WEB_URL string = web.outputs.url
output API_URL string = linkedBackend ? '${web.outputs.url}/api' : '${functionApp.outputs.url}/api'
output WEB_API_MODE string = webApiMode
output FUNCTION_APP_NAME string = functionApp.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output KEY_VAULT_NAME string = keyVault.outputs.name
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output DURABLE_BACKEND string = durableBackend
output SERVICE_BUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output EMAIL_SENDER string = communication.outputs.senderAddress
