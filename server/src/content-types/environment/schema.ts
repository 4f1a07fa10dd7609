/** Another instance saved in the admin: its token is stored encrypted (services/environments.ts), never in clear. */
export default {
  "kind": "collectionType",
  "collectionName": "dmc_environments",
  "info": {
    "singularName": "environment",
    "pluralName": "environments",
    "displayName": "Migration environment"
  },
  "options": {
    "draftAndPublish": false
  },
  "pluginOptions": {
    "content-manager": {
      "visible": false
    },
    "content-type-builder": {
      "visible": false
    }
  },
  "attributes": {
    "name": {
      "type": "string",
      "required": true
    },
    "url": {
      "type": "string",
      "required": true
    },
    "token": {
      "type": "text",
      "required": true,
      "private": true
    }
  }
};
