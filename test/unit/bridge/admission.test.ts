/** Who may open a WebSocket to the bridge: the token (URL or bearer) and the allowed origins. */
import { describe, expect, it } from 'vitest';
import { refuse } from '../../../src/bridge/admission.js';

const req = (url: string, headers: { origin?: string; authorization?: string } = {}) => ({ url, headers });

describe('refuse', () => {
  it('accepts anyone when neither a token nor origins are set', () => {
    expect(refuse(req('/', { origin: 'https://evil.example' }), {})).toBeUndefined();
  });

  it('wants the token in the URL or as a bearer, and nothing else', () => {
    const options = { token: 's3cret' };
    expect(refuse(req('/?token=s3cret'), options)).toBeUndefined();
    expect(refuse(req('/', { authorization: 'Bearer s3cret' }), options)).toBeUndefined();
    expect(refuse(req('/', { authorization: 'bearer   s3cret' }), options)).toBeUndefined();
    expect(refuse(req('/'), options)).toEqual([401, 'token required']);
    expect(refuse(req('/?token=s3cre'), options)).toEqual([401, 'token required']);
    expect(refuse(req('/?token=s3cret2'), options)).toEqual([401, 'token required']);
    expect(refuse(req('/?token='), options)).toEqual([401, 'token required']);
    expect(refuse(req('/', { authorization: 'Basic s3cret' }), options)).toEqual([401, 'token required']);
  });

  it('refuses a browser from an origin not listed; clients that send no Origin pass', () => {
    const options = { allowedOrigins: ['https://app.foxglove.dev', 'http://localhost:8080'] };
    expect(refuse(req('/', { origin: 'http://localhost:8080' }), options)).toBeUndefined();
    expect(refuse(req('/'), options)).toBeUndefined();
    expect(refuse(req('/', { origin: 'http://localhost:8081' }), options)).toEqual([
      403,
      'origin not allowed',
    ]);
    expect(refuse(req('/', { origin: 'null' }), options)).toEqual([403, 'origin not allowed']);
  });

  it('checks the origin before the token', () => {
    const options = { token: 't', allowedOrigins: ['https://ok.example'] };
    expect(refuse(req('/?token=t', { origin: 'https://no.example' }), options)).toEqual([
      403,
      'origin not allowed',
    ]);
    expect(refuse(req('/?token=t', { origin: 'https://ok.example' }), options)).toBeUndefined();
  });
});
