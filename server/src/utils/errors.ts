import createError from 'http-errors';

/** 409: the resource is in a state that does not allow the request (a running task cannot be deleted). */
export const conflict = (message: string) => createError(409, message);
