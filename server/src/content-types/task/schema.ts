export default {
  "kind": "collectionType",
  "collectionName": "dmc_tasks",
  "info": {
    "singularName": "task",
    "pluralName": "tasks",
    "displayName": "Migration task"
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
    "kind": {
      "type": "enumeration",
      "enum": [
        "import",
        "export",
        "bundle-export",
        "bundle-import",
        "revert"
      ],
      "required": true
    },
    "name": {
      "type": "string",
      "required": true
    },
    "contentType": {
      "type": "string",
      "required": true
    },
    "format": {
      "type": "string"
    },
    "state": {
      "type": "enumeration",
      "enum": [
        "queued",
        "running",
        "completed",
        "completed-with-errors",
        "failed",
        "cancelled",
        "interrupted"
      ],
      "default": "queued",
      "required": true
    },
    "options": {
      "type": "json"
    },
    "total": {
      "type": "integer"
    },
    "processed": {
      "type": "integer",
      "default": 0
    },
    "created": {
      "type": "integer",
      "default": 0
    },
    "updated": {
      "type": "integer",
      "default": 0
    },
    "failed": {
      "type": "integer",
      "default": 0
    },
    "fraction": {
      "type": "float"
    },
    "dryRun": {
      "type": "boolean",
      "default": false
    },
    "error": {
      "type": "text"
    },
    "fileName": {
      "type": "string"
    },
    "fileKey": {
      "type": "string"
    },
    "errorReportKey": {
      "type": "string"
    },
    "writePath": {
      "type": "string"
    },
    "formatVersion": {
      "type": "integer"
    },
    "startedAt": {
      "type": "datetime"
    },
    "finishedAt": {
      "type": "datetime"
    },
    "heartbeatAt": {
      "type": "datetime"
    },
    "instanceId": {
      "type": "string"
    },
    "storageId": {
      "type": "string"
    },
    "revertedBy": {
      "type": "integer"
    },
    "filesRemovedAt": {
      "type": "datetime"
    },
    "uploadRemovedAt": {
      "type": "datetime"
    },
    "cancelRequested": {
      "type": "boolean",
      "default": false
    },
    "writeLock": {
      "type": "text"
    },
    "waitingFor": {
      "type": "integer"
    },
    "checkpoint": {
      "type": "json"
    },
    "skipped": {
      "type": "integer",
      "default": 0
    },
    "typeCounts": {
      "type": "json"
    },
    "creatorId": {
      "type": "integer"
    },
    "tokenId": {
      "type": "integer"
    },
    "creatorName": {
      "type": "string"
    },
    "scheduleTemplateId": {
      "type": "integer"
    },
    "scheduleSlot": {
      "type": "datetime"
    }
  }
};
