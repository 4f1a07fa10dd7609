import { validationMessages } from './useNotifyError';

jest.mock('@strapi/strapi/admin', () => ({}));

describe('validationMessages', () => {
  it("lists a validation error's messages instead of their count", () => {
    const error = {
      response: {
        data: {
          error: {
            message: '3 errors occurred',
            details: {
              errors: [
                { path: ['kind'], message: 'kind is a required field' },
                { path: ['contentType'], message: 'contentType is a required field' },
                { path: ['contentType'], message: 'contentType is a required field' },
              ],
            },
          },
        },
      },
    };
    expect(validationMessages(error)).toBe('kind is a required field; contentType is a required field');
  });

  it('is null for other errors', () => {
    expect(validationMessages(new Error('boom'))).toBeNull();
    expect(validationMessages({ response: { data: { error: { details: {} } } } })).toBeNull();
    expect(validationMessages(null)).toBeNull();
  });
});
