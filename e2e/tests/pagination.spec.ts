// A list longer than a page, read page by page in the browser: the count,
// the pager's state, and each page's items in the list's order. Each test's
// agent is created for it, so that its consultations change no other test's
// lists.

import { APIRequestContext, expect, test } from '@playwright/test';
import { DEMO_PASSWORD, expectAccessible, signedIn, watchPageErrors } from '../pages/app';
import { LoginPage } from '../pages/login';
import { Pager } from '../pages/pager';

const PASSWORD = 'un mot de passe solide';

/** A new agent, with a consultation of each title created in this order: its e-mail. */
async function agentWith(request: APIRequestContext, name: string, titles: string[]): Promise<string> {
  const admin = await signedIn(request, 'admin@demo.jesaisfaire.fr', DEMO_PASSWORD);
  const email = `agent-${name}-${Date.now()}@prefecture.gouv.fr`;
  const created = await request.post('/api/v1/users', {
    headers: admin,
    data: { email, password: PASSWORD, role: 'agent', display_name: 'Camille Pages (préfecture de la Loire)' },
  });
  expect(created.status()).toBe(201);
  const agent = await signedIn(request, email, PASSWORD);
  const buyers = await (await request.get('/api/v1/buyers', { headers: agent })).json();
  for (const title of titles) {
    const consultation = await request.post('/api/v1/consultations', {
      headers: agent,
      data: { title, cpv_code: '77310000-6', departement: '42', buyer_id: buyers[0].id, visibility: 'targeted' },
    });
    expect(consultation.status()).toBe(201);
  }
  return email;
}

test('an agent reads its 21 consultations on two pages, newest first', async ({ page }) => {
  const errors = watchPageErrors(page);
  const titles = Array.from({ length: 21 }, (_, n) => `Lot ${n + 1} : entretien des espaces verts`);
  const email = await agentWith(page.request, 'pages', titles);
  // Created one after the other: the last is the newest, first in the list.
  const newestFirst = [...titles].reverse();

  await page.goto('/connexion?next=/consultations');
  await new LoginPage(page).logIn(email, PASSWORD);
  await expect(page.getByRole('heading', { level: 1, name: 'Consultations' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'consultations' })).toHaveText('21 consultations');
  const cards = page.locator('.fr-card__title');
  const pager = new Pager(page);
  await pager.expectAt(1, 2);
  await expect(cards).toHaveText(newestFirst.slice(0, 20));
  await expectAccessible(page);

  await pager.next();
  await pager.expectAt(2, 2);
  await expect(cards).toHaveText(newestFirst.slice(20));
  await pager.previous();
  await pager.expectAt(1, 2);
  await expect(cards).toHaveText(newestFirst.slice(0, 20));
  expect(errors).toEqual([]);
});

test('a search matching more than 200 consultations says so, and pages on to its end', async ({ page }) => {
  const errors = watchPageErrors(page);
  const titles = Array.from({ length: 201 }, (_, n) => `Lot ${n + 1} : nettoyage des vitres`);
  const email = await agentWith(page.request, 'search', titles);
  const newestFirst = [...titles].reverse();

  await page.goto('/connexion?next=/consultations');
  await new LoginPage(page).logIn(email, PASSWORD);
  await page.getByLabel('Rechercher dans les titres et présentations').fill('vitres');
  await page.getByRole('button', { name: 'Rechercher' }).click();
  const count = page.getByRole('status').filter({ hasText: 'consultations' });
  await expect(count).toHaveText('Plus de 200 consultations');
  const cards = page.locator('.fr-card__title');
  const pager = new Pager(page);
  await pager.expectAt(1, 10, { more: true });
  await expect(cards).toHaveText(newestFirst.slice(0, 20));
  await expectAccessible(page);

  for (let n = 2; n <= 10; n++) {
    await pager.next();
    await pager.expectAt(n, 10, { more: true });
  }
  // The last page holds one consultation, and tells the list's size.
  await pager.next();
  await expect(count).toHaveText('201 consultations');
  await pager.expectAt(11, 11);
  await expect(cards).toHaveText(newestFirst.slice(200));
  expect(errors).toEqual([]);
});
