// Every page, for each role, on a desktop screen and at 375 px: zero axe-core
// WCAG 2.1 A/AA violations and nothing wider than the screen.
// Read-only: it runs on the demo data before the scenarios that change it.

import { expect, Page, test } from '@playwright/test';
import { DEMO_PASSWORD, expectAccessible, watchPageErrors } from '../pages/app';
import { LoginPage } from '../pages/login';

const TITLE = 'Maintenance du parc informatique de la préfecture du Rhône';

type Visit = [path: string, heading: string | RegExp];

function pages(id: string, role: 'agent' | 'company' | 'buyer'): Visit[] {
  const common: Visit[] = [
    ['/consultations', 'Consultations'],
    [`/consultations/${id}`, TITLE],
    [`/consultations/${id}/historique`, 'Historique des révisions'],
    [`/consultations/${id}/journal`, 'Journal de la consultation'],
    ['/notifications', 'Notifications'],
    ['/mon-compte', 'Mon compte'],
  ];
  const staff: Visit[] = [[`/consultations/${id}/synthese`, 'Synthèse des contributions']];
  const agent: Visit[] = [
    ['/consultations/nouvelle', 'Nouvelle consultation'],
    [`/consultations/${id}/cctp`, 'Rédiger le CCTP'],
  ];
  return role === 'agent' ? [...common, ...staff, ...agent] : role === 'buyer' ? [...common, ...staff] : common;
}

async function check(page: Page, [path, heading]: Visit) {
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await expect(page.locator('[aria-busy=true]')).toHaveCount(0);
    await expectAccessible(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${path} is wider than ${width} px`).toBeLessThanOrEqual(0);
  }
}

test('public pages pass axe at both widths', async ({ page }) => {
  // Two dozen axe passes, the first run of a cold web app: on a busy
  // two-core machine, more than the default minute (seen: 1.1 min).
  test.slow();
  // An unknown unsubscribe link is looked up, and not found.
  const errors = watchPageErrors(page, { alsoExpected: /status of 404/ });
  // Nobody signed in on this browser: no session renewal is even tried.
  const renewals: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/api/v1/auth/refresh')) renewals.push(request.url());
  });
  for (const visit of [
    ['/', /Préparer ensemble/],
    ['/connexion', 'Connexion à JeSaisFaire'],
    ['/inscription', 'Inscrire mon entreprise'],
    ['/mentions-legales', 'Mentions légales'],
    ['/donnees-personnelles', 'Données personnelles'],
    ['/accessibilite', "Déclaration d'accessibilité"],
    ['/plan-du-site', 'Plan du site'],
    ['/mot-de-passe-oublie', 'Mot de passe oublié'],
    ['/reinitialiser-mot-de-passe?jeton=inconnu', 'Choisir un nouveau mot de passe'],
    ['/verifier-email?jeton=inconnu', "Confirmation de l'adresse e-mail"],
    ['/desabonnement/inconnu', 'Se désabonner'],
    ['/page-inconnue', 'Page introuvable'],
  ] as Visit[]) {
    await check(page, visit);
  }
  // The footer leads to the pages a State service must have; the skip links to the three regions.
  await page.goto('/');
  const footer = page.getByRole('contentinfo');
  for (const [link, heading] of [
    ['Plan du site', 'Plan du site'],
    ['Accessibilité : non conforme', "Déclaration d'accessibilité"],
    ['Mentions légales', 'Mentions légales'],
    ['Données personnelles', 'Données personnelles'],
  ]) {
    await footer.getByRole('link', { name: link }).click();
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
  }
  const skipLinks = page.getByRole('navigation', { name: 'Accès rapide' }).getByRole('link');
  await expect(skipLinks).toHaveText(['Contenu', 'Menu', 'Pied de page']);
  for (const target of ['#contenu', '#menu-principal', '#pied-de-page']) {
    await expect(page.locator(target)).toHaveCount(1);
  }
  expect(renewals).toEqual([]);
  expect(errors).toEqual([]);
});

for (const [role, email] of [
  ['agent', 'agent@demo.jesaisfaire.fr'],
  ['company', 'entreprise@demo.jesaisfaire.fr'],
  ['buyer', 'acheteur@demo.jesaisfaire.fr'],
] as const) {
  test(`every page of the ${role} passes axe at both widths`, async ({ page }) => {
    // As many axe passes as the public pages (seen: 56 s of the minute).
    test.slow();
    const errors = watchPageErrors(page);
    await page.goto('/connexion?next=/consultations');
    await new LoginPage(page).logIn(email, DEMO_PASSWORD);
    if (role === 'buyer') await page.getByRole('combobox', { name: 'Afficher' }).selectOption('');
    const href = await page.getByRole('link', { name: TITLE }).getAttribute('href');
    const id = String(href).split('/').pop() as string;
    for (const visit of pages(id, role)) {
      await check(page, visit);
    }
    expect(errors).toEqual([]);
  });
}

test('on a phone, the header menu opens, passes axe and leads to the consultations', async ({ page }) => {
  const errors = watchPageErrors(page);
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto('/connexion?next=/mon-compte');
  await new LoginPage(page).logIn('agent@demo.jesaisfaire.fr', DEMO_PASSWORD);
  await expect(page.getByRole('heading', { level: 1, name: 'Mon compte' })).toBeVisible();
  await page.getByRole('button', { name: 'Menu' }).click();
  const menu = page.locator('#menu-modal');
  await expect(menu.getByRole('link', { name: 'Consultations' })).toBeVisible();
  await expectAccessible(page);
  await menu.getByRole('link', { name: 'Consultations' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Consultations' })).toBeVisible();
  await expect(menu.getByRole('link', { name: 'Consultations' })).toBeHidden();
  expect(errors).toEqual([]);
});
