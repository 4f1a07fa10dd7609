export default [
  'strapi::logger',
  'strapi::errors',
  'strapi::security',
  'strapi::cors',
  'strapi::poweredBy',
  'strapi::query',
  {
    // Uploads are streamed to disk by the body parser; the Data Migration Center accepts files up to its own
    // maxFileSize (1 GiB by default), so the parser's limit is raised to match.
    name: 'strapi::body',
    config: { formidable: { maxFileSize: 1024 * 1024 * 1024 } },
  },
  'strapi::session',
  'strapi::favicon',
  'strapi::public',
];
