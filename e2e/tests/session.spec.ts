// Against the server whose access tokens expire within seconds: the web app
// renews an expired token without the person noticing, and when the session
// cannot be renewed any more it sends them to the login page and back.

import { expect, Page, test } from '@playwright/test';
import { DEMO_PASSWORD, expectAccessible, watchPageErrors } from '../pages/app';
import { LoginPage } from '../pages/login';
import { shortSessionURL } from '../servers';

test.use({ baseURL: shortSessionURL });

const TITLE = 'Maintenance du parc informatique de la préfecture du Rhône';

/** Waits until the API refuses `token`: the access token has expired. */
async function untilExpired(page: Page, token: string) {
  await expect
    .poll(
      async () =>
        (await page.request.get('/api/v1/me', { headers: { Authorization: `Bearer ${token}` } })).status(),
      { timeout: 20_000, intervals: [500] },
    )
    .toBe(401);
}

test('an expired access token is renewed silently, an expired session sends to the login page and back', async ({ page, context }) => {
  // Expiry is what this test provokes: the calls refused with 401 are expected.
  const errors = watchPageErrors(page, { alsoExpected: /status of 401/ });
  await page.goto('/connexion?next=/consultations');
  const login = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login') && r.ok());
  await new LoginPage(page).logIn('entreprise@demo.jesaisfaire.fr', DEMO_PASSWORD);
  const first = (await (await login).json()).access_token as string;
  await expect(page.getByRole('link', { name: TITLE })).toBeVisible();

  await untilExpired(page, first);
  const renewal = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/refresh'));
  await page.getByRole('link', { name: TITLE }).click();
  expect((await renewal).status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1, name: TITLE })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Projet de CCTP — révision 2' })).toBeVisible();
  const here = new URL(page.url()).pathname;

  // Without the refresh cookie, the next expiry ends the session.
  const renewed = (await (await renewal).json()).access_token as string;
  await context.clearCookies();
  await untilExpired(page, renewed);
  await page.getByRole('navigation', { name: 'Vues de la consultation' }).getByRole('link', { name: 'Journal' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Connexion à JeSaisFaire' })).toBeVisible();
  await expect(page.getByText('Session expirée')).toBeVisible();
  await expectAccessible(page);
  await new LoginPage(page).logIn('entreprise@demo.jesaisfaire.fr', DEMO_PASSWORD);
  await expect(page).toHaveURL(new RegExp(`${here}/journal$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Journal de la consultation' })).toBeVisible();
  expect(errors).toEqual([]);
});
