// The CCTP editor on a 150-page draft (330 clauses, about 430 000
// characters), in the release build served by the API: how long one
// keystroke, a save and opening the editor take, as a person meets them.
// Usage: node scripts/editor-timing.mjs http://127.0.0.1:PORT
import { chromium } from '@playwright/test';
import fixtures from '../e2e/fixtures/hundred-fifty-pages.cjs';

const base = process.argv[2];
const PASSWORD = 'demo-jesaisfaire-2026';
const { sections, criteria } = fixtures.hundredFiftyPages();

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const context = await browser.newContext({ baseURL: base });
  const api = context.request;
  const login = await api.post('/api/v1/auth/login', { data: { email: 'agent@demo.jesaisfaire.fr', password: PASSWORD } });
  const headers = { Authorization: `Bearer ${(await login.json()).access_token}` };
  const buyers = await (await api.get('/api/v1/buyers', { headers })).json();
  const created = await api.post('/api/v1/consultations', {
    headers,
    data: { title: 'CCTP de 150 pages', cpv_code: '90000000-7', departement: '13', buyer_id: buyers[0].id },
  });
  const id = (await created.json()).id;
  const saved = await api.put(`/api/v1/consultations/${id}/draft`, {
    headers: { ...headers, 'If-Match': '"1"' },
    data: { sections, criteria },
  });
  if (saved.status() !== 200) throw new Error(`draft not saved: ${saved.status()}`);

  const page = await context.newPage();
  await page.goto(`/connexion?next=/consultations/${id}/cctp`);
  await page.getByLabel(/Adresse e-mail/).fill('agent@demo.jesaisfaire.fr');
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  let started = Date.now();
  await page.getByRole('button', { name: 'Se connecter' }).click();
  const text = page.getByRole('group', { name: 'Clause 30.11', exact: true }).getByLabel('Texte de la clause');
  await text.waitFor({ timeout: 60_000 });
  const opened = Date.now() - started;

  const keys = 40;
  await text.click();
  await page.keyboard.press('Control+End');
  started = Date.now();
  await text.pressSequentially('x'.repeat(keys));
  const perKey = (Date.now() - started) / keys;
  if (!(await text.inputValue()).endsWith('x'.repeat(keys))) throw new Error('the typed text did not arrive');

  started = Date.now();
  await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
  await page.locator('.jsf-save-bar [role=status]').filter({ hasText: 'Enregistré' }).waitFor({ timeout: 60_000 });
  const save = Date.now() - started;

  console.log(`editor, 150-page draft (release build): opening ${opened} ms (login included), ` +
    `${perKey.toFixed(1)} ms per keystroke (${keys} typed), save ${save} ms`);
} finally {
  await browser.close();
}
