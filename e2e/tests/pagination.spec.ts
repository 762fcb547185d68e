// A list longer than a page, read page by page in the browser: the count,
// the pager's state, and each page's items in the list's order. The agent is
// created for this test, so that its consultations change no other test's
// lists.

import { APIRequestContext, expect, test } from '@playwright/test';
import { expectAccessible, watchPageErrors } from '../pages/app';
import { LoginPage } from '../pages/login';
import { Pager } from '../pages/pager';

const DEMO_PASSWORD = 'demo-jesaisfaire-2026';
const PASSWORD = 'un mot de passe solide';
const CONSULTATIONS = 21;

async function token(request: APIRequestContext, email: string, password: string): Promise<string> {
  const response = await request.post('/api/v1/auth/login', { data: { email, password } });
  expect(response.status()).toBe(200);
  return (await response.json()).access_token;
}

test('an agent reads its 21 consultations on two pages, newest first', async ({ page }) => {
  const errors = watchPageErrors(page);
  const request = page.request;
  const admin = { Authorization: `Bearer ${await token(request, 'admin@demo.jesaisfaire.fr', DEMO_PASSWORD)}` };
  const email = `agent-pages-${Date.now()}@prefecture.gouv.fr`;
  const created = await request.post('/api/v1/users', {
    headers: admin,
    data: { email, password: PASSWORD, role: 'agent', display_name: 'Camille Pages (préfecture de la Loire)' },
  });
  expect(created.status()).toBe(201);
  const agent = { Authorization: `Bearer ${await token(request, email, PASSWORD)}` };
  const buyers = await (await request.get('/api/v1/buyers', { headers: agent })).json();
  // Created one after the other: the last is the newest, first in the list.
  const titles = Array.from({ length: CONSULTATIONS }, (_, n) => `Lot ${n + 1} : entretien des espaces verts`);
  for (const title of titles) {
    const consultation = await request.post('/api/v1/consultations', {
      headers: agent,
      data: { title, cpv_code: '77310000-6', departement: '42', buyer_id: buyers[0].id, visibility: 'targeted' },
    });
    expect(consultation.status()).toBe(201);
  }
  const newestFirst = [...titles].reverse();

  await page.goto('/connexion?next=/consultations');
  await new LoginPage(page).logIn(email, PASSWORD);
  await expect(page.getByRole('heading', { level: 1, name: 'Consultations' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'consultations' })).toHaveText(`${CONSULTATIONS} consultations`);
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
