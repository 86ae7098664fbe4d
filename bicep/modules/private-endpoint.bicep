// One private endpoint for one service (its group, e.g. blob or Sql), registered in the matching private DNS zone so
// the service's usual host name resolves to the endpoint inside the virtual network.
@description('Name of the private endpoint.')
param name string

@description('Azure region.')
param location string

@description('Tags for the resources.')
param tags object = {}

@description('Subnet the endpoint gets its address in.')
param subnetId string

@description('Resource id of the service behind the endpoint.')
param targetResourceId string

@description('Sub-resource of the service (blob, queue, table, Sql, namespace, vault, account).')
param groupId string

@description('Resource id of the private DNS zone for that sub-resource.')
param privateDnsZoneId string

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: { id: subnetId }
    privateLinkServiceConnections: [
      {
        name: name
        properties: {
          privateLinkServiceId: targetResourceId
          groupIds: [groupId]
        }
      }
    ]
  }
}

resource dnsZoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [{ name: groupId, properties: { privateDnsZoneId: privateDnsZoneId } }]
  }
}
