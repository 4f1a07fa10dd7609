import { winston, formats } from '@strapi/logger';

/** Strapi's default console logger; `STRAPI_LOG_LEVEL` (default `info`) quiets it, as the tests do. */
const level = process.env.STRAPI_LOG_LEVEL || 'info';

export default {
  transports: [
    new winston.transports.Console({
      level,
      format: winston.format.combine(formats.prettyPrint({ timestamps: 'YYYY-MM-DD hh:mm:ss.SSS' })),
    }),
  ],
};
