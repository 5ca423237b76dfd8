// An OpenID Certified provider (panva's oidc-provider) for the interoperability test.
// Usage: node op.mjs PORT RP_ORIGIN ; prints "listening" when ready.
import Provider from 'oidc-provider';

const [port, rpOrigin] = [Number(process.argv[2]), process.argv[3]];
const client = (id, secret, extra) => ({
  client_id: id, client_secret: secret,
  redirect_uris: [`${rpOrigin}/callback`], post_logout_redirect_uris: [`${rpOrigin}/logged-out`],
  grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], ...extra,
});
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    client('rp-basic', 'basic-secret-that-is-long-enough-for-hs256', { token_endpoint_auth_method: 'client_secret_basic' }),
    client('rp-jwt', 'jwt-secret-that-is-long-enough-for-hs256!!', { token_endpoint_auth_method: 'client_secret_jwt' }),
    client('rp-hs', 'hs-secret-that-is-long-enough-for-hs256!!!', {
      token_endpoint_auth_method: 'client_secret_post', id_token_signed_response_alg: 'HS256',
    }),
  ],
  cookies: { keys: ['interop-test-only'] },
  pkce: { required: () => true },
  enabledJWA: { idTokenSigningAlgValues: ['RS256', 'HS256'] },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true }, revocation: { enabled: true } },
  issueRefreshToken: async () => true,
  scopes: ['openid', 'offline_access', 'profile', 'email'],
  claims: { email: ['email', 'email_verified'], profile: ['name'] },
  findAccount: async (ctx, id) => ({
    accountId: id,
    async claims() { return { sub: id, email: `${id}@example.com`, email_verified: true, name: `User ${id}` }; },
  }),
});
provider.listen(port, '127.0.0.1', () => console.log('listening'));
