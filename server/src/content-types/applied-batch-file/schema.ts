export default {
  "kind": "collectionType",
  "collectionName": "dmc_applied_batch_files",
  "info": {
    "singularName": "applied-batch-file",
    "pluralName": "applied-batch-files",
    "displayName": "Applied batch file"
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
    "path": {
      "type": "string",
      "required": true
    },
    "checksum": {
      "type": "string",
      "required": true
    },
    "state": {
      "type": "enumeration",
      "enum": [
        "applied",
        "failed"
      ],
      "required": true
    },
    "taskId": {
      "type": "integer"
    },
    "message": {
      "type": "text"
    },
    "appliedAt": {
      "type": "datetime"
    }
  }
};
