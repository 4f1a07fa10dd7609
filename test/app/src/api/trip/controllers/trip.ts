import { factories } from '@strapi/strapi';

export default factories.createCoreController('api::trip.trip');
