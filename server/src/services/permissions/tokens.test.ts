import { isExpired, tokenPermissions, UPLOAD_CREATE } from './tokens';
import { CM_ACTIONS } from './types';

const ARTICLE = 'api::article.article';
const CONTACT = 'api::contact.contact';
const actions = (token: Parameters<typeof tokenPermissions>[0]) =>
  tokenPermissions(token, [ARTICLE, CONTACT]).map((p) => `${p.action} ${p.subject ?? '-'}`).sort();

describe('tokenPermissions', () => {
  it('gives a full-access token no permission list (it is unrestricted as a whole)', () => {
    expect(actions({ type: 'full-access' })).toEqual([]);
  });

  it('lets a read-only token read every content type and write none', () => {
    expect(actions({ type: 'read-only' })).toEqual([`${CM_ACTIONS.read} ${ARTICLE}`, `${CM_ACTIONS.read} ${CONTACT}`]);
  });

  it("maps a custom token's content-API actions type by type", () => {
    expect(
      actions({
        type: 'custom',
        permissions: [`${ARTICLE}.findOne`, `${CONTACT}.create`, `${CONTACT}.delete`, 'plugin::data-migration-center.tasks.find'],
      })
    ).toEqual([`${CM_ACTIONS.create} ${CONTACT}`, `${CM_ACTIONS.delete} ${CONTACT}`, `${CM_ACTIONS.publish} ${CONTACT}`, `${CM_ACTIONS.read} ${ARTICLE}`]);
    expect(actions({ type: 'custom', permissions: [`${ARTICLE}.update`] })).toEqual([`${CM_ACTIONS.publish} ${ARTICLE}`, `${CM_ACTIONS.update} ${ARTICLE}`]);
  });

  it('never takes an action of another type for one of its own (prefixes are not enough)', () => {
    expect(actions({ type: 'custom', permissions: ['api::article.articles.create', 'api::article.article.createMany'] })).toEqual([]);
  });

  it('gives media uploads with the upload plugin action only', () => {
    expect(actions({ type: 'custom', permissions: ['plugin::upload.content-api.upload'] })).toEqual([`${UPLOAD_CREATE} -`]);
    expect(actions({ type: 'custom', permissions: null })).toEqual([]);
  });

  it('gives an unknown token type nothing', () => {
    expect(actions({ type: 'something-new', permissions: [`${ARTICLE}.find`] })).toEqual([]);
  });
});

describe('isExpired', () => {
  it('reads expiresAt against now', () => {
    expect(isExpired({ expiresAt: null })).toBe(false);
    expect(isExpired({ expiresAt: undefined })).toBe(false);
    expect(isExpired({ expiresAt: new Date(1000).toISOString() }, 2000)).toBe(true);
    expect(isExpired({ expiresAt: new Date(3000) }, 2000)).toBe(false);
  });
});
