export default {
  "kind": "collectionType",
  "collectionName": "dmc_templates",
  "info": {
    "singularName": "template",
    "pluralName": "templates",
    "displayName": "Migration template"
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
    "kind": {
      "type": "enumeration",
      "enum": [
        "import",
        "export"
      ],
      "required": true
    },
    "contentType": {
      "type": "string",
      "required": true
    },
    "options": {
      "type": "json"
    },
    "description": {
      "type": "text"
    },
    "schedule": {
      "type": "json"
    },
    "scheduleSlot": {
      "type": "datetime"
    },
    "lastRunAt": {
      "type": "datetime"
    },
    "lastRunTaskId": {
      "type": "integer"
    },
    "lastPush": {
      "type": "json"
    }
  }
};
