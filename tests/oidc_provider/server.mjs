// A real OpenID provider for the single sign-on browser test: node's oidc-provider on
// 127.0.0.1, with one client and the accounts the test passes in. Its built-in development
// sign-in form takes any password; the login must be one of ACCOUNTS.
//
//   PORT=4011 CLIENT='{"client_id": …}' ACCOUNTS='{"dana": {"email": …}}' node server.mjs
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const client = JSON.parse(process.env.CLIENT);
const accounts = JSON.parse(process.env.ACCOUNTS);

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    ...client,
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username', 'locale'],
    groups: ['groups'],
  },
  scopes: ['openid', 'email', 'profile', 'groups'],
  async findAccount(ctx, sub) {
    if (!(sub in accounts)) return undefined;
    return { accountId: sub, async claims() { return { sub, ...accounts[sub] }; } };
  },
  cookies: { keys: ['only-for-the-test-provider'] },
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
});
provider.proxy = false;

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider ready on http://127.0.0.1:${port}`);
});
