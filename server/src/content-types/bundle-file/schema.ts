export default {
  "kind": "collectionType",
  "collectionName": "dmc_bundle_files",
  "info": {
    "singularName": "bundle-file",
    "pluralName": "bundle-files",
    "displayName": "Bundle file",
    "description": "A file a bundle import stored in the media library: the hash it has in the bundle, and the file it became (the upload service names files anew), so that importing the bundle again reuses it"
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
    "sourceHash": {
      "type": "string",
      "required": true
    },
    "fileId": {
      "type": "integer",
      "required": true
    }
  }
};
