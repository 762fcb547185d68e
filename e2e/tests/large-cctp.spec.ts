// A CCTP of real size (150 pages: 330 clauses, some 430 000 characters),
// written through the API, read and edited in the browser.

import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, signedIn, watchPageErrors } from '../pages/app';
import { DraftEditor } from '../pages/editor';
import { LoginPage } from '../pages/login';
import { hundredFiftyPages } from '../fixtures/hundred-fifty-pages.cjs';

test('a 150-page CCTP opens as a round, reads in full and stays editable', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watchPageErrors(page);
  const api = page.request;
  const headers = await signedIn(api, 'agent@demo.jesaisfaire.fr', DEMO_PASSWORD);
  const buyers = await (await api.get('/api/v1/buyers', { headers })).json();
  const created = await api.post('/api/v1/consultations', {
    headers,
    data: { title: 'Maintenance multitechnique (CCTP de 150 pages)', cpv_code: '90000000-7', departement: '13', buyer_id: buyers[0].id },
  });
  const id = (await created.json()).id as string;
  const cctp = hundredFiftyPages();
  expect(JSON.stringify(cctp).length).toBeGreaterThan(400_000);
  const saved = await api.put(`/api/v1/consultations/${id}/draft`, { headers: { ...headers, 'If-Match': '"1"' }, data: cctp });
  expect(saved.status()).toBe(200);
  const round = await api.post(`/api/v1/consultations/${id}/rounds`, {
    headers,
    data: { closes_at: new Date(Date.now() + 7 * 86_400_000).toISOString(), changelog: 'Version complète' },
  });
  expect(round.status()).toBe(201);

  await page.goto(`/connexion?next=/consultations/${id}`);
  await new LoginPage(page).logIn('agent@demo.jesaisfaire.fr', DEMO_PASSWORD);
  await expect(page.getByRole('heading', { name: 'Projet de CCTP — révision 1' })).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('section.jsf-target')).toHaveCount(330 + 1 + 1);
  await expect(page.getByRole('heading', { name: /^30\.11 — Exigence 30\.11/ })).toBeAttached();

  // The editor loads the whole draft; typing changes one field, not the page.
  await page.getByRole('navigation', { name: 'Vues de la consultation' }).getByRole('link', { name: 'Rédiger le CCTP' }).click();
  const editor = new DraftEditor(page);
  await editor.expectLoaded();
  const text = editor.clause('30.11').getByLabel('Texte de la clause');
  await expect(text).toHaveValue(/^Article 30\.11\./, { timeout: 30_000 });
  await text.pressSequentially(' Ajout.');
  await expect(text).toHaveValue(/ Ajout\.$/);
  await expect(editor.saveState()).toHaveText('Modifications non enregistrées');
  // The browser tests run the debug build of the app, several times slower
  // than the release build people get: a generous wait for 430 KiB each way.
  await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
  await expect(editor.saveState()).toContainText('Enregistré', { timeout: 30_000 });
  await expect(text).toHaveValue(/ Ajout\.$/);
  expect(errors).toEqual([]);
});
