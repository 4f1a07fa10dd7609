import { winston, formats } from '@strapi/logger';

/** Strapi's default console logger; `STRAPI_LOG_LEVEL` (default `info`) quiets it, as the tests do. */
export default {
  transports: [
    new winston.transports.Console({
      level: process.env.STRAPI_LOG_LEVEL || 'info',
      format: winston.format.combine(
        formats.levelFilterFormat(process.env.STRAPI_LOG_LEVEL || 'info'),
        formats.prettyPrint({ timestamps: 'YYYY-MM-DD hh:mm:ss.SSS' }),
      ),
    }),
  ],
};
