// Azure Communication Services Email: an Email Communication Service with an Azure-managed sender domain, linked to
// a Communication Services resource the app sends through with its managed identity (no access keys).
@description('Name of the Communication Services resource.')
param name string

@description('Name of the Email Communication Service.')
param emailServiceName string

@description('Data location of the communication resources (e.g. Europe, United States).')
param dataLocation string

@description('Tags for the resources.')
param tags object = {}

resource emailService 'Microsoft.Communication/emailServices@2025-05-01' = {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: { dataLocation: dataLocation }
}

resource managedDomain 'Microsoft.Communication/emailServices/domains@2025-05-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource communication 'Microsoft.Communication/communicationServices@2025-05-01' = {
  name: name
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [managedDomain.id]
    // No access keys: the app sends with its Entra ID token (roles.bicep).
    disableLocalAuth: true
  }
}

output name string = communication.name
output endpoint string = 'https://${communication.properties.hostName}'
// Azure-managed domains send as DoNotReply@<generated domain>; use a custom domain for your own address.
output senderAddress string = 'DoNotReply@${managedDomain.properties.mailFromSenderDomain}'
