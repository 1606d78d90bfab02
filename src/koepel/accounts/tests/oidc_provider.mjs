// A real OpenID Connect provider for the tests of signing in through one (oidc-provider, a
// certified implementation). The tests start it with `node oidc_provider.mjs PORT REDIRECT_URI`
// on the loopback address and stop it when they are done.
//
// It knows one client (koepel-test, with a secret, the code flow) and the accounts below. The
// login page is the provider's own: a form that takes the name of an account (no password), so
// a test signs in by posting it. Each account says what the provider asserts about it: its
// address, whether that address is verified, and how it signed in (amr, acr).
import crypto from 'node:crypto';
import http from 'node:http';
import querystring from 'node:querystring';

import Provider from 'oidc-provider';

const [port, redirectUri] = process.argv.slice(2);
if (!port || !redirectUri) {
  console.error('usage: node oidc_provider.mjs PORT REDIRECT_URI');
  process.exit(2);
}

const ACCOUNTS = {
  lid: { email: 'lid@utrecht.example', email_verified: true, amr: ['pwd'] },
  kantoor: { email: 'kantoor@utrecht.example', email_verified: true, amr: ['pwd'] },
  'kantoor-mfa': { email: 'kantoor@utrecht.example', email_verified: true, amr: ['pwd', 'otp', 'mfa'] },
  'kantoor-acr': { email: 'kantoor@utrecht.example', email_verified: true, amr: ['pwd'], acr: 'urn:test:loa:substantial' },
  onbevestigd: { email: 'lid@utrecht.example', email_verified: false, amr: ['pwd'] },
  elders: { email: 'lid@elders.example', email_verified: true, amr: ['pwd'] },
  onbekend: { email: 'niemand@utrecht.example', email_verified: true, amr: ['pwd'] },
};

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' };

const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients: [{
    client_id: 'koepel-test',
    client_secret: 'koepel-test-secret',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  jwks: { keys: [signingKey] },
  acrValues: ['urn:test:loa:substantial'],
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  // How the account signed in (acr, amr) goes into every ID token, as a provider that asks for
  // a second factor tells its clients.
  claims: { openid: ['sub', 'acr', 'amr', 'auth_time'], email: ['email', 'email_verified'] },
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => false },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: account.email, email_verified: account.email_verified };
      },
    };
  },
  // Koepel is the provider's own client: no page asking the user to consent.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email');
    await grant.save();
    return grant;
  },
});

const loginPage = (uid) => `<!doctype html><title>Login</title>
<form method="post" action="/interaction/${uid}/login">
<label>Account <input name="login"></label><button>Sign in</button></form>`;

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(loginPage(details.uid));
    return;
  }
  let body = '';
  for await (const chunk of req) body += chunk;
  const login = querystring.parse(body).login;
  const account = ACCOUNTS[login];
  if (!account) {
    res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
    res.end(loginPage(details.uid));
    return;
  }
  const result = { login: { accountId: login, amr: account.amr, ...(account.acr ? { acr: account.acr } : {}) } };
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
const server = http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((error) => {
      res.writeHead(500);
      res.end(String(error));
    });
    return;
  }
  callback(req, res);
});
server.listen(Number(port), '127.0.0.1', () => console.log(`listening on ${issuer}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
