import { expect, test } from '@playwright/test';
import { confirmAction, expectAccessible, Header, watchPageErrors } from '../pages/app';
import { LoginPage } from '../pages/login';
import { link, waitForMail } from '../pages/mailbox';
import { RegistrationPage, validSiret } from '../pages/registration';

test('a company registers, is told about a bad SIRET, logs in, sees its account and logs out', async ({ page }) => {
  const errors = watchPageErrors(page);
  const header = new Header(page);
  const registration = new RegistrationPage(page);
  const company = {
    name: 'Menuiserie Dupont',
    siret: '12345678901234',
    email: `contact-${Date.now()}@menuiserie-dupont.fr`,
    password: 'un mot de passe solide',
    divisions: ['45'],
    departements: ['69', '2A'],
  };

  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Préparer ensemble');
  await expectAccessible(page);

  await header.openRegistration();
  await registration.expectLoaded();
  await expectAccessible(page);
  await registration.fill(company);
  await registration.submit();

  await expect(registration.fieldError('siret')).toContainText('clé de contrôle');
  await expect(page.getByLabel(/Numéro SIRET/)).toHaveAttribute('aria-invalid', 'true');
  // Nothing typed is lost.
  await expect(page.getByLabel('Raison sociale')).toHaveValue(company.name);
  await expectAccessible(page);

  await page.getByLabel(/Numéro SIRET/).fill(validSiret());
  await registration.submit();

  await expect(page).toHaveURL(/\/connexion\?inscrit=1/);
  await expect(page.getByText('Inscription enregistrée')).toBeVisible();
  await expectAccessible(page);
  await new LoginPage(page).logIn(company.email, company.password);

  // A company lands on its home, the consultations.
  await expect(page).toHaveURL(/\/consultations$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Consultations' })).toBeVisible();
  await header.accountLink().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Mon compte' })).toBeVisible();
  await expect(page.getByText(company.email)).toBeVisible();
  await expect(page.getByText('45 — Travaux de construction')).toBeVisible();
  await expect(header.accountLink()).toContainText('Entreprise');
  // Its address is not confirmed yet: it reads, and may ask for a new link.
  await expect(page.getByRole('heading', { name: 'Adresse e-mail à confirmer' })).toBeVisible();
  await page.getByRole('button', { name: 'Renvoyer le lien' }).click();
  await expect(page.getByText('Un nouveau lien vient de vous être envoyé')).toBeVisible();
  await expectAccessible(page);
  const verification = await waitForMail(company.email, 'Confirmez votre adresse');
  expect(verification.text).toContain('valable 48 heures');
  await page.goto(link(verification, '/verifier-email?jeton='));
  await expect(page.getByRole('heading', { name: 'Adresse confirmée' })).toBeVisible();
  await expectAccessible(page);
  await header.accountLink().click();
  await expect(page.getByText(company.email)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Adresse e-mail à confirmer' })).toHaveCount(0);
  // Not in IT yet: the demo consultation (division 72, Rhône) does not concern it.
  await page.goto('/consultations');
  await expect(page.getByText('Aucune consultation pour le moment.')).toBeVisible();
  // It adds the IT division to its profile; its targeting follows.
  await header.accountLink().click();
  await page.getByRole('button', { name: 'Modifier mon entreprise' }).click();
  await page.getByLabel('Raison sociale').fill('Menuiserie et Réseaux Dupont');
  await page.locator('label[for=cpv_divisions-72]').click();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByText('72 — Services de technologies de l')).toBeVisible();
  await expect(page.getByText('Menuiserie et Réseaux Dupont').first()).toBeVisible();
  await page.goto('/consultations');
  await expect(page.getByRole('link', { name: 'Maintenance du parc informatique de la préfecture du Rhône' })).toBeVisible();
  await header.accountLink().click();

  // The session survives a reload through the refresh cookie.
  await page.reload();
  await expect(page.getByText(company.email)).toBeVisible();

  await header.logOut();
  await expect(page.getByText('Vous êtes déconnecté')).toBeVisible();
  await expectAccessible(page);
  await page.goto('/mon-compte');
  await expect(page).toHaveURL(/\/connexion\?next=%2Fmon-compte/);

  expect(errors).toEqual([]);
});

test('an administrator creates a buyer account, who can then sign in', async ({ page }) => {
  const errors = watchPageErrors(page);
  await page.goto('/connexion');
  await new LoginPage(page).logIn('admin@demo.jesaisfaire.fr', 'demo-jesaisfaire-2026');
  await expect(page.getByRole('heading', { level: 1, name: 'Comptes' })).toBeVisible();
  await expectAccessible(page);
  const email = `acheteur-${Date.now()}@pfra.gouv.fr`;
  await page.getByLabel('Rôle').selectOption('buyer');
  await page.getByLabel(/Nom affiché/).fill('Sacha Acheteur (PFRA Bretagne)');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel(/Mot de passe initial/).fill('court');
  await page.getByRole('button', { name: 'Créer le compte' }).click();
  await expect(page.locator('#password-messages')).not.toBeEmpty();
  await page.getByLabel(/Mot de passe initial/).fill('un mot de passe solide');
  await page.getByRole('button', { name: 'Créer le compte' }).click();
  await expect(page.getByText('Sacha Acheteur (PFRA Bretagne) (Acheteur PFRA) peut se connecter')).toBeVisible();
  await expect(page.getByRole('cell', { name: email })).toBeVisible();
  await expectAccessible(page);
  await new Header(page).logOut();
  await page.goto('/connexion');
  await new LoginPage(page).logIn(email, 'un mot de passe solide');
  await expect(page.getByRole('heading', { level: 1, name: 'Consultations' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Afficher' })).toHaveValue('awaiting_approval');
  expect(errors).toEqual([]);
});

test('a wrong password is refused with a clear message', async ({ page }) => {
  // The refusal (401) is what this test provokes.
  const errors = watchPageErrors(page, { alsoExpected: /status of 401/ });
  await page.goto('/connexion');
  await new LoginPage(page).logIn('agent@demo.jesaisfaire.fr', 'pas le bon mot de passe');
  await expect(page.getByRole('alert')).toContainText('Adresse e-mail ou mot de passe incorrect');
  await expectAccessible(page);
  // "Afficher" shows what was typed, and hides it again.
  const password = page.getByLabel('Mot de passe');
  await expect(password).toHaveAttribute('type', 'password');
  // A click on the label, as people do (DSFR draws the box over the input).
  await page.getByText('Afficher', { exact: true }).click();
  await expect(password).toHaveAttribute('type', 'text');
  await expect(password).toHaveValue('pas le bon mot de passe');
  await page.getByText('Afficher', { exact: true }).click();
  await expect(password).toHaveAttribute('type', 'password');
  await new LoginPage(page).logIn('agent@demo.jesaisfaire.fr', 'demo-jesaisfaire-2026');
  await expect(page.getByRole('banner').getByRole('link', { name: /^Mon compte \(/ })).toContainText("Agent de l'État");
  await expect(page.getByRole('heading', { level: 1, name: 'Consultations' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('notifications show their unread count and can be marked as read', async ({ page }) => {
  const errors = watchPageErrors(page);
  await page.goto('/connexion?next=/notifications');
  await new LoginPage(page).logIn('entreprise@demo.jesaisfaire.fr', 'demo-jesaisfaire-2026');
  await expect(page.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible();
  // The demo company was told of both rounds opening.
  await expect(page.getByRole('link', { name: /Notifications \(\d+ non lues\)/ })).toBeVisible();
  await expect(page.getByText(/Non lue — Le tour 2 de la consultation/)).toBeVisible();
  await expectAccessible(page);
  const menuLink = (n: number) =>
    page.getByRole('navigation', { name: 'Menu principal' })
      .getByRole('link', { name: n === 0 ? 'Notifications' : `Notifications (${n} non lue${n > 1 ? 's' : ''})`, exact: true });
  const before = await page.getByRole('button', { name: 'Marquer comme lue' }).count();
  await expect(menuLink(before)).toBeAttached();
  await page.getByRole('button', { name: 'Marquer comme lue' }).first().click();
  await expect(page.getByRole('button', { name: 'Marquer comme lue' })).toHaveCount(before - 1);
  // The count in the menu follows at once.
  await expect(menuLink(before - 1)).toBeAttached();
  // On a phone the count stays in sight beside the folded menu.
  await page.setViewportSize({ width: 375, height: 800 });
  await expect(page.getByRole('banner').getByRole('link', { name: `Notifications : ${before - 1} non lue${before - 1 > 1 ? 's' : ''}` })).toBeVisible();
  await expectAccessible(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  // Following one reads it.
  await page.getByRole('main').locator('li', { hasText: 'Non lue —' }).first().getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: /Maintenance/ })).toBeVisible();
  await expect(menuLink(before - 2)).toBeAttached();
  await page.goto('/notifications');
  await page.getByRole('button', { name: 'Tout marquer comme lu' }).click();
  await expect(page.getByText(/^Non lue/)).toHaveCount(0);
  await expect(menuLink(0)).toBeAttached();
  expect(errors).toEqual([]);
});

test('a person changes their password, then signs out of every session', async ({ page, browser }) => {
  const errors = watchPageErrors(page, { alsoExpected: /status of 401/ });
  const email = `securite-${Date.now()}@menuiserie-dupont.fr`;
  const registered = await page.request.post('/api/v1/auth/register-company', {
    data: { email, password: 'un mot de passe solide', company_name: 'Menuiserie Sûre', siret: validSiret(), cpv_divisions: ['45'], departements: ['69'] },
  });
  expect(registered.status()).toBe(202);
  // Another browser holds a session too.
  const elsewhere = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const other = await elsewhere.request.post('/api/v1/auth/login', { data: { email, password: 'un mot de passe solide' } });
  const otherRefresh = (await other.json()).refresh_token as string;

  await page.goto('/connexion?next=/mon-compte');
  await new LoginPage(page).logIn(email, 'un mot de passe solide');
  await expect(page.getByRole('heading', { level: 1, name: 'Mon compte' })).toBeVisible();
  await page.getByLabel('Mot de passe actuel').fill('pas le bon mot de passe');
  await page.getByLabel(/Nouveau mot de passe/).fill('un tout nouveau mot de passe');
  await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
  await expect(page.locator('#current_password-messages')).toContainText('incorrect');
  await page.getByLabel('Mot de passe actuel').fill('un mot de passe solide');
  await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
  await expect(page.getByText('Mot de passe modifié')).toBeVisible();
  await expectAccessible(page);
  // The other browser's session has ended; this one goes on.
  const refused = await elsewhere.request.post('/api/v1/auth/refresh', { data: { refresh_token: otherRefresh } });
  expect(refused.status()).toBe(401);
  await elsewhere.close();
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Mon compte' })).toBeVisible();

  await confirmAction(page, 'Se déconnecter partout', 'Se déconnecter partout', 'celle-ci comprise');
  await expect(page.getByRole('heading', { level: 1, name: 'Connexion à JeSaisFaire' })).toBeVisible();
  await page.goto('/mon-compte');
  await expect(page.getByRole('heading', { level: 1, name: 'Connexion à JeSaisFaire' })).toBeVisible();
  await new LoginPage(page).logIn(email, 'un tout nouveau mot de passe');
  await expect(page.getByRole('heading', { level: 1, name: 'Mon compte' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('a forgotten password is reset through the link of the message received', async ({ page }) => {
  const errors = watchPageErrors(page);
  const email = `oubli-${Date.now()}@menuiserie-dupont.fr`;
  const registered = await page.request.post('/api/v1/auth/register-company', {
    data: { email, password: 'un mot de passe oublié', company_name: 'Menuiserie Distraite', siret: validSiret(), cpv_divisions: ['45'], departements: ['69'] },
  });
  expect(registered.status()).toBe(202);
  await page.goto('/connexion');
  await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Mot de passe oublié' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByRole('button', { name: 'Recevoir un lien' }).click();
  // The same answer whether or not the address has an account.
  await expect(page.getByText(`Si un compte existe pour ${email}, un message vient de lui être envoyé.`)).toBeVisible();
  await expectAccessible(page);
  const message = await waitForMail(email, 'Réinitialisation de votre mot de passe');
  const resetLink = link(message, '/reinitialiser-mot-de-passe?jeton=');
  await page.goto(resetLink);
  await expect(page.getByRole('heading', { level: 1, name: 'Choisir un nouveau mot de passe' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel(/Nouveau mot de passe/).fill('court');
  await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(page.locator('#new_password-messages')).toContainText('12');
  await page.getByLabel(/Nouveau mot de passe/).fill('un mot de passe retrouvé');
  await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(page.getByText('Connectez-vous avec votre nouveau mot de passe.')).toBeVisible();
  await new LoginPage(page).logIn(email, 'un mot de passe retrouvé');
  await expect(page.getByRole('heading', { level: 1, name: 'Consultations' })).toBeVisible();
  // The link served once.
  await page.goto(resetLink);
  await page.getByLabel(/Nouveau mot de passe/).fill('encore un autre mot de passe');
  await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(page.getByRole('heading', { name: 'Lien expiré ou déjà utilisé' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('the unsubscribe link of a message stops that kind only, without signing in', async ({ page }) => {
  const errors = watchPageErrors(page);
  // The demo's story already wrote messages to the demo companies.
  const alert = await waitForMail('entreprise2@demo.jesaisfaire.fr', 'Nouvelle consultation');
  await page.goto(link(alert, '/desabonnement/'));
  await expect(page.getByRole('heading', { level: 1, name: 'Se désabonner' })).toBeVisible();
  await expect(page.getByText("Vous ne recevrez plus par e-mail les messages « Ouverture d'un tour de dialogue »")).toBeVisible();
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await expectAccessible(page);
  }
  await page.getByRole('button', { name: 'Me désabonner' }).click();
  await expect(page.getByText('Désabonnement enregistré')).toBeVisible();
  await expectAccessible(page);
  // "Mon compte" shows the choice, the other kinds unchanged.
  await page.goto('/connexion?next=/mon-compte');
  await new LoginPage(page).logIn('entreprise2@demo.jesaisfaire.fr', 'demo-jesaisfaire-2026');
  await expect(page.getByLabel("Ouverture d'un tour de dialogue")).toHaveValue('off');
  await expect(page.getByLabel('Réponse ou décision sur mes contributions')).toHaveValue('immediate');
  // Back on, from the account page.
  await page.getByLabel("Ouverture d'un tour de dialogue").selectOption('immediate');
  await expect(page.getByText('Préférence enregistrée.')).toBeVisible();
  expect(errors).toEqual([]);
});

test('a person creates a personal API token, sees it once, and revokes it', async ({ page }) => {
  const errors = watchPageErrors(page);
  await page.goto('/connexion?next=/mon-compte');
  await new LoginPage(page).logIn('acheteur@demo.jesaisfaire.fr', 'demo-jesaisfaire-2026');
  await expect(page.getByRole('heading', { level: 2, name: "Jetons d'API" })).toBeVisible();
  await page.getByLabel('Nom du jeton').fill('Tableau de bord');
  await page.getByRole('button', { name: 'Créer un jeton' }).click();
  await expect(page.getByText('Jeton « Tableau de bord » créé')).toBeVisible();
  const token = (await page.locator('code.jsf-token').textContent()) ?? '';
  expect(token).toMatch(/^jsf_/);
  await expectAccessible(page);
  // The program reads with it, and may not write.
  const read = await page.request.get('/api/v1/me', { headers: { Authorization: `Bearer ${token}` } });
  expect(read.status()).toBe(200);
  const write = await page.request.put('/api/v1/me/mail-preferences', { headers: { Authorization: `Bearer ${token}` }, data: [] });
  expect(write.status()).toBe(403);
  await page.getByRole('button', { name: 'Révoquer le jeton « Tableau de bord »' }).click();
  await expect(page.getByText('Aucun jeton actif.')).toBeVisible();
  const refused = await page.request.get('/api/v1/me', { headers: { Authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);
  expect(errors).toEqual([]);
});

test('an administrator disables an account, which can no longer sign in, then enables it again', async ({ page, browser }) => {
  const errors = watchPageErrors(page);
  const email = `suspendue-${Date.now()}@menuiserie-dupont.fr`;
  const registered = await page.request.post('/api/v1/auth/register-company', {
    data: { email, password: 'un mot de passe solide', company_name: 'Menuiserie Suspendue', siret: validSiret(), cpv_divisions: ['45'], departements: ['69'] },
  });
  expect(registered.status()).toBe(202);
  await page.goto('/connexion?next=/administration/comptes');
  await new LoginPage(page).logIn('admin@demo.jesaisfaire.fr', 'demo-jesaisfaire-2026');
  await expect(page.getByRole('heading', { level: 1, name: 'Comptes' })).toBeVisible();
  const row = page.getByRole('row', { name: new RegExp(email) });
  await expect(row).toContainText('Adresse à confirmer');
  await row.getByRole('button', { name: 'Désactiver le compte de Menuiserie Suspendue' }).click();
  await expect(row).toContainText('Désactivé');
  await expectAccessible(page);

  const company = await browser.newPage({ baseURL: test.info().project.use.baseURL });
  const companyErrors = watchPageErrors(company, { alsoExpected: /status of 403/ });
  await company.goto('/connexion');
  await new LoginPage(company).logIn(email, 'un mot de passe solide');
  await expect(company.getByText("Ce compte est désactivé. Contactez l'administrateur de la plateforme.")).toBeVisible();

  await row.getByRole('button', { name: 'Réactiver le compte de Menuiserie Suspendue' }).click();
  await expect(row).toContainText('Adresse à confirmer');
  await new LoginPage(company).logIn(email, 'un mot de passe solide');
  await expect(company.getByRole('heading', { level: 1, name: 'Consultations' })).toBeVisible();
  await company.close();
  expect(companyErrors).toEqual([]);
  expect(errors).toEqual([]);
});
