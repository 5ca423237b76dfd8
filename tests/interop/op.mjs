// An OpenID Certified provider (panva's oidc-provider) for the interoperability test.
// Usage: node op.mjs PORT RP_ORIGIN [strict CLIENT_PUBLIC_JWK_JSON] ; prints "listening" when ready.
// "strict" makes the sender-constrained provider: PAR required for every client, DPoP with server nonces
// required in every proof, signed request objects accepted, and the FAPI 2.0 profile for the client "rp-fapi".
import crypto from 'node:crypto';
import Provider from 'oidc-provider';

const [port, rpOrigin, mode, clientJwk] = [Number(process.argv[2]), process.argv[3], process.argv[4], process.argv[5]];
const strict = mode === 'strict';
const client = (id, secret, extra) => ({
  client_id: id, client_secret: secret,
  redirect_uris: [`${rpOrigin}/callback`], post_logout_redirect_uris: [`${rpOrigin}/logged-out`],
  grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], ...extra,
});
const clients = strict ? [
  client('rp-fapi', undefined, {
    token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256',
    jwks: { keys: [JSON.parse(clientJwk)] }, dpop_bound_access_tokens: true,
    id_token_signed_response_alg: 'PS256', request_object_signing_alg: 'ES256',
  }),
  client('rp-dpop-public', undefined, { token_endpoint_auth_method: 'none', dpop_bound_access_tokens: true }),
] : [
  client('rp-basic', 'basic-secret-that-is-long-enough-for-hs256', { token_endpoint_auth_method: 'client_secret_basic' }),
  client('rp-jwt', 'jwt-secret-that-is-long-enough-for-hs256!!', { token_endpoint_auth_method: 'client_secret_jwt' }),
  client('rp-hs', 'hs-secret-that-is-long-enough-for-hs256!!!', {
    token_endpoint_auth_method: 'client_secret_post', id_token_signed_response_alg: 'HS256',
  }),
];
const features = { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true }, revocation: { enabled: true } };
if (strict) {
  Object.assign(features, {
    pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: true },
    dPoP: { enabled: true, nonceSecret: crypto.randomBytes(32), requireNonce: () => true },
    requestObjects: { request: true },
    fapi: { enabled: true, profile: (ctx, c) => (c && c.clientId === 'rp-fapi' ? '2.0' : undefined) },
  });
}
// The strict provider signs with its own RSA key (PS256 for the FAPI client); the other uses the default one.
const jwks = strict
  ? { keys: [crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' })] }
  : undefined;
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients,
  ...(jwks ? { jwks } : {}),
  cookies: { keys: ['interop-test-only'] },
  pkce: { required: () => true },
  enabledJWA: {
    idTokenSigningAlgValues: ['RS256', 'PS256', 'HS256'],
    dPoPSigningAlgValues: ['ES256', 'EdDSA', 'PS256'],
  },
  features,
  issueRefreshToken: async () => true,
  scopes: ['openid', 'offline_access', 'profile', 'email'],
  claims: { email: ['email', 'email_verified'], profile: ['name'] },
  findAccount: async (ctx, id) => ({
    accountId: id,
    async claims() { return { sub: id, email: `${id}@example.com`, email_verified: true, name: `User ${id}` }; },
  }),
});
provider.listen(port, '127.0.0.1', () => console.log('listening'));
