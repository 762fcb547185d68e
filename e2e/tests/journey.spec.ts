// The whole dialogue, from an empty consultation to its publication, with
// four people at once in four browser contexts: the agent, two companies and
// the PFRA buyer. Each step asserts what each of them sees, and that neither
// company ever sees the other's name.

import * as path from 'node:path';
import { Browser, BrowserContext, expect, Page, test } from '@playwright/test';
import { DEMO_PASSWORD, confirmAction, downloadFrom, expectAccessible, watchPageErrors } from '../pages/app';
import { ConsultationPage, fillContribution } from '../pages/consultation';
import { DraftEditor } from '../pages/editor';
import { LoginPage } from '../pages/login';
import { RegistrationPage, validSiret } from '../pages/registration';
import { link, waitForMail } from '../pages/mailbox';

const PASSWORD = 'un mot de passe solide';
const TITLE = `Maintenance des onduleurs de la sous-préfecture de Montbrison ${Date.now()}`;
const SCREENSHOTS = path.join(__dirname, '..', 'screenshots');

interface Person {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

async function person(browser: Browser, baseURL: string): Promise<Person> {
  const context = await browser.newContext({ baseURL, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  const page = await context.newPage();
  return { context, page, errors: watchPageErrors(page) };
}

async function logIn(page: Page, email: string, password: string) {
  await page.goto('/connexion?next=/consultations');
  await new LoginPage(page).logIn(email, password);
  await expect(page.getByRole('heading', { level: 1, name: 'Consultations' })).toBeVisible();
}

async function registerAndLogIn(page: Page, name: string): Promise<string> {
  const email = `contact-${Date.now()}-${name.length}@${name.split(' ')[0].toLowerCase()}.fr`;
  await page.goto('/inscription');
  const registration = new RegistrationPage(page);
  await registration.expectLoaded();
  await registration.fill({ name, siret: validSiret(), email, password: PASSWORD, divisions: ['50'], departements: ['42'] });
  await registration.submit();
  await expect(page.getByRole('heading', { name: 'Inscription enregistrée' })).toBeVisible();
  // The address is confirmed by the link of the message it received.
  const message = await waitForMail(email, 'Confirmez votre adresse');
  await page.goto(link(message, '/verifier-email?jeton='));
  await expect(page.getByRole('heading', { name: 'Adresse confirmée' })).toBeVisible();
  await page.getByRole('main').getByRole('link', { name: 'Se connecter' }).click();
  await new LoginPage(page).logIn(email, PASSWORD);
  await expect(page.getByRole('heading', { level: 1, name: 'Consultations' })).toBeVisible();
  return email;
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

test('an agent, two companies and a buyer take a consultation through two rounds to publication', async ({ browser }, testInfo) => {
  test.setTimeout(240_000);
  const baseURL = String(testInfo.project.use.baseURL);
  const [agent, alpha, beta, buyer] = await Promise.all([0, 1, 2, 3].map(() => person(browser, baseURL)));
  const ALPHA = 'Alpha Onduleurs Loire';
  const BETA = 'Beta Énergie Forez';

  // --- The agent creates the consultation and writes the CCTP.
  await logIn(agent.page, 'agent@demo.jesaisfaire.fr', DEMO_PASSWORD);
  await agent.page.getByRole('link', { name: 'Nouvelle consultation' }).click();
  await expect(agent.page.getByRole('heading', { level: 1, name: 'Nouvelle consultation' })).toBeVisible();
  await expectAccessible(agent.page);
  await agent.page.getByLabel('Intitulé').fill(TITLE);
  await agent.page.getByLabel(/Présentation du besoin/).fill('Maintenance préventive de 12 onduleurs, deux visites par an.');
  // A code with a wrong check digit is refused, next to its field; input is kept.
  await agent.page.getByLabel(/Code CPV/).fill('50000000-4');
  await agent.page.getByRole('button', { name: 'Créer et rédiger le CCTP' }).click();
  await expect(agent.page.locator('#cpv_code-messages')).toContainText('nomenclature CPV 2008');
  await expect(agent.page.locator('#departement-messages')).not.toBeEmpty();
  await expect(agent.page.getByLabel('Intitulé')).toHaveValue(TITLE);
  await expectAccessible(agent.page);
  // The whole nomenclature is searched by words, accents aside.
  await agent.page.getByLabel(/Code CPV/).fill('services de reparation');
  await agent.page.getByRole('button', { name: /^50000000-5 — Services de réparation et d'entretien$/ }).click();
  await expect(agent.page.getByLabel(/Code CPV/)).toHaveValue('50000000-5');
  await expect(agent.page.getByText("Libellé : Services de réparation et d'entretien")).toBeVisible();
  await agent.page.getByLabel("Département d'exécution").selectOption('42');
  await agent.page.getByLabel(/Acheteur de la PFRA/).selectOption({ label: 'Dominique Acheteur (PFRA Auvergne-Rhône-Alpes)' });
  await agent.page.getByRole('button', { name: 'Créer et rédiger le CCTP' }).click();

  const editor = new DraftEditor(agent.page);
  await editor.expectLoaded();
  await expect(agent.page.getByText('Le CCTP est vide')).toBeVisible();
  await editor.addSection('Objet et périmètre');
  await editor.addClause(1, '1.1', 'Équipements', 'Douze onduleurs de 3 à 10 kVA répartis sur deux sites.');
  await editor.addClause(1, '1.2', 'Visites', 'Deux visites préventives par an, en heures ouvrées.');
  await editor.addSection('Exécution');
  await editor.addClause(2, '2.1', 'Délai de dépannage', 'Intervention sous 4 heures, 7 jours sur 7.');
  await editor.addCriterion(1, 'Prix', '40');
  await editor.addCriterion(2, 'Valeur technique', '50');
  await expect(agent.page.getByText('Total des poids : 90 % — il manque 10 %')).toBeVisible();
  // A half-written CCTP is kept, whatever its weights.
  await editor.save();
  await editor.criterion(2).getByLabel('Poids (%)').fill('60');
  await expect(agent.page.getByText('Total des poids : 100 %')).toBeVisible();
  await expect(editor.saveState()).toHaveText('Modifications non enregistrées');
  // Reorder: the execution section goes first, then renumbering follows the order.
  await editor.section(2).getByRole('button', { name: 'Monter la section 2' }).click();
  await expect(editor.section(1).getByLabel('Titre de la section')).toHaveValue('Exécution');
  await agent.page.getByRole('button', { name: 'Renuméroter les clauses' }).click();
  await expect(editor.clause('1.1').getByLabel('Titre de la clause')).toHaveValue('Délai de dépannage');
  await editor.section(1).getByRole('button', { name: 'Descendre la section 1' }).click();
  await agent.page.getByRole('button', { name: 'Renuméroter les clauses' }).click();
  await expect(editor.clause('2.1').getByLabel('Titre de la clause')).toHaveValue('Délai de dépannage');
  await expectAccessible(agent.page);
  await editor.save();
  await shot(agent.page, 'agent-editeur-cctp');

  // Someone else (the same agent in another tab) saves first: a clear 412 message.
  const otherTab = await agent.context.newPage();
  await otherTab.goto(agent.page.url());
  const otherEditor = new DraftEditor(otherTab);
  await otherEditor.expectLoaded();
  await otherEditor.clause('1.2').getByLabel('Texte de la clause').fill('Deux visites préventives par an, en heures ouvrées, avec rapport.');
  await otherEditor.save();
  await otherTab.close();
  await editor.clause('1.1').getByLabel('Texte de la clause').fill('Douze onduleurs de 3 à 10 kVA répartis sur deux sites (liste en annexe).');
  await agent.page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
  await expect(agent.page.getByText("Quelqu'un a enregistré le brouillon avant vous")).toBeVisible();
  await expect(editor.clause('1.1').getByLabel('Texte de la clause')).toHaveValue(/liste en annexe/);
  await expectAccessible(agent.page);
  await agent.page.getByRole('button', { name: 'Remplacer par ma version' }).click();
  await expect(editor.saveState()).toContainText('Enregistré');

  // A past deadline is refused; the confirmation dialog says why.
  const deadline = agent.page.getByLabel(/Date limite des contributions/);
  const chosen = await deadline.inputValue();
  await deadline.fill('2020-01-06T17:00');
  await agent.page.getByRole('button', { name: 'Publier le tour 1…' }).click();
  const confirm = agent.page.getByRole('dialog', { name: 'Publier la révision 1 ?' });
  await expect(confirm).toBeVisible();
  await expectAccessible(agent.page);
  await confirm.getByRole('button', { name: 'Confirmer la publication' }).click();
  await expect(confirm).toBeHidden();
  await expect(agent.page.locator('#closes-at-messages')).toContainText('La date limite doit être dans le futur.');
  await deadline.fill(chosen);
  await editor.publishRound(1, 'Première version soumise au dialogue.');
  await expect(agent.page.getByRole('heading', { level: 1, name: TITLE })).toBeVisible();
  await expect(agent.page.getByText(/Tour 1 ouvert jusqu'au .* \(dans \d+ jours\)/)).toBeVisible();

  // --- Two companies of the domain and territory register and contribute.
  const alphaEmail = await registerAndLogIn(alpha.page, ALPHA);
  const betaEmail = await registerAndLogIn(beta.page, BETA);
  const alphaView = new ConsultationPage(alpha.page);
  await alphaView.open(TITLE);
  await expectAccessible(alpha.page);
  await alphaView.contribute(alphaView.target('1.1 — Équipements'), {
    body: 'Nous proposons une supervision à distance des onduleurs.',
    justification: 'Les pannes sont détectées avant la coupure.',
    cost: '↓ Baisse',
    confidential: true,
  });
  await expect(alphaView.card(alphaView.target('1.1 — Équipements'), 'supervision à distance')).toContainText('Vous — Solution (tour 1)');
  const price = alphaView.target(/Critère « Prix »/);
  // The criterion form names a criterion and takes a number; it can be cancelled.
  await price.getByRole('button', { name: 'Contribuer sur ce critère' }).click();
  await price.getByLabel('Type de contribution').selectOption('alternative_criterion');
  await expect(price.getByLabel('Nom du critère proposé')).toBeVisible();
  await expect(price.getByLabel('Poids proposé (%)')).toHaveAttribute('type', 'number');
  await expect(price.getByLabel('Rédaction proposée')).toHaveCount(0);
  await price.getByRole('button', { name: 'Annuler' }).click();
  await expect(price.getByLabel('Type de contribution')).toHaveCount(0);
  await alphaView.contribute(price, {
    kind: 'alternative_criterion',
    body: 'Pondérer le prix à 30 %.',
    justification: 'La qualité de maintenance prime sur ce type de matériel.',
    proposedText: 'Prix',
    proposedWeight: '30',
    cost: '? Inconnu',
  });
  await expect(alphaView.card(price, 'Pondérer le prix')).toContainText('Poids proposé : 30 %');
  await shot(alpha.page, 'entreprise-revision');

  const betaView = new ConsultationPage(beta.page);
  await betaView.open(TITLE);
  const visits = betaView.target('1.2 — Visites');
  await betaView.contribute(visits, {
    kind: 'clarification',
    body: 'Les visites peuvent-elles avoir lieu le samedi ?',
    justification: 'Cela évite de couper les services en semaine.',
  });
  await expect(betaView.card(visits, 'le samedi')).toContainText('Vous — Demande de précision (tour 1)');
  // A question on the whole document, and the company is told its pseudonym.
  const whole = betaView.target('Le CCTP dans son ensemble');
  await betaView.contribute(whole, {
    kind: 'clarification',
    body: 'Le marché est-il reconductible ?',
    justification: "L'amortissement des pièces détachées en dépend.",
  });
  await expect(betaView.card(whole, 'reconductible')).toContainText('Vous — Demande de précision (tour 1)');
  await expect(beta.page.getByText('Vous apparaissez comme Entreprise B')).toBeVisible();
  // The confidential solution of the other company is not shown to it.
  await expect(beta.page.getByText('supervision à distance')).toHaveCount(0);
  await expect(beta.page.getByText('Entreprise A — Critère alternatif (tour 1)')).toBeVisible();
  await expect(beta.page.getByText(ALPHA)).toHaveCount(0);
  await expectAccessible(beta.page);

  // --- The agent reads, filters, answers and decides.
  const agentView = new ConsultationPage(agent.page);
  await agent.page.reload();
  const confidential = agentView.card(agentView.target('1.1 — Équipements'), 'supervision à distance');
  await expect(confidential).toContainText('Entreprise A — Solution (tour 1)');
  await expect(confidential).toContainText('Confidentielle');
  await expect(agent.page.getByText(ALPHA)).toHaveCount(0);
  await expect(agent.page.getByText(BETA)).toHaveCount(0);
  await agent.page.getByLabel('Type', { exact: true }).selectOption('clarification');
  await expect(agent.page.locator('article.jsf-contribution')).toHaveCount(2);
  await agent.page.getByLabel('Type', { exact: true }).selectOption('');
  await agent.page.getByLabel('Effet sur le coût').selectOption('decrease');
  await expect(agent.page.locator('article.jsf-contribution')).toHaveCount(1);
  await expect(confidential).toBeVisible();
  await agent.page.getByLabel('Effet sur le coût').selectOption('');
  await expect(agent.page.locator('article.jsf-contribution')).toHaveCount(4);
  await expectAccessible(agent.page);

  const question = agentView.card(agentView.target('1.2 — Visites'), 'le samedi');
  await agentView.answer(question, 'Oui, le samedi matin est possible.');
  await agentView.decide(question, null, 'Précision apportée à la clause 1.2.');
  await expect(question.locator('.fr-badge', { hasText: 'Répondu' })).toBeVisible();
  await agentView.decide(confidential, 'accepted', 'La supervision sera demandée en révision 2.');
  await expect(confidential.locator('.fr-badge', { hasText: 'Retenue' })).toBeVisible();
  await shot(agent.page, 'agent-contributions');

  await agentView.tab('Synthèse').click();
  await expect(agent.page.getByRole('heading', { level: 1, name: 'Synthèse des contributions' })).toBeVisible();
  await expect(agent.page.getByRole('img', { name: 'Contributions par passage, par type' })).toBeVisible();
  await expect(agent.page.getByRole('list', { name: 'Légende' })).toContainText('S : Solutions');
  const equipmentRow = agent.page.getByRole('row', { name: /1\.1 — Équipements/ });
  await expect(equipmentRow.getByRole('cell')).toHaveText(['1', '0', '0', '0', '1', '0', '0', '1', '0', '0', '0', '0']);
  await expectAccessible(agent.page);
  await shot(agent.page, 'agent-synthese');
  // On a phone both charts stay on screen, one above the other.
  await agent.page.setViewportSize({ width: 375, height: 800 });
  const cost = agent.page.getByRole('img', { name: 'Contributions par passage, par effet sur le coût' });
  await cost.scrollIntoViewIfNeeded();
  const box = await cost.boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 375).toBe(true);
  await expectAccessible(agent.page);
  await agent.page.setViewportSize({ width: 1280, height: 800 });

  // --- An answered question can no longer be rewritten: its author completes it.
  await beta.page.reload();
  const answered = betaView.card(visits, 'le samedi');
  await expect(answered).toContainText("L'agent : Oui, le samedi matin est possible.");
  await expect(answered).toContainText('ne peut plus être modifiée ni retirée');
  await expect(answered.getByRole('button', { name: 'Modifier' })).toHaveCount(0);
  await expect(answered.getByRole('button', { name: 'Retirer' })).toHaveCount(0);
  await answered.getByRole('button', { name: 'Compléter ma contribution' }).click();
  await answered.getByLabel('Votre complément').fill('Merci. Le samedi après-midi aussi ?');
  await answered.getByRole('button', { name: 'Publier le complément' }).click();
  await expect(answered).toContainText('Vous : Merci. Le samedi après-midi aussi ?');
  await expectAccessible(beta.page);

  // --- The company sees the public answer and edits its own contribution.
  await alpha.page.reload();
  await expect(alpha.page.getByText("L'agent : Oui, le samedi matin est possible.")).toBeVisible();
  await expect(alphaView.card(alphaView.target('1.1 — Équipements'), 'supervision à distance')).toContainText('Retenue');
  const own = alphaView.card(alphaView.target(/Critère « Prix »/), 'Pondérer le prix');
  await own.getByRole('button', { name: 'Modifier' }).click();
  await own.getByLabel('Votre contribution').fill('Pondérer le prix à 35 %.');
  await own.getByLabel('Poids proposé (%)').fill('35');
  await own.getByRole('button', { name: 'Enregistrer les modifications' }).click();
  await expect(alphaView.card(alphaView.target(/Critère « Prix »/), 'Pondérer le prix à 35 %')).toContainText('Poids proposé : 35 %');
  await alpha.page.locator('label[for=filter-mine]').click();
  await expect(alpha.page.locator('article.jsf-contribution')).toHaveCount(2);
  await expect(alpha.page.getByText(/^Entreprise B/)).toHaveCount(0);
  await alpha.page.locator('label[for=filter-mine]').click();
  // Beta's answered question on the clause and its question on the whole document.
  await expect(alpha.page.locator('article.jsf-contribution')).toHaveCount(4);
  await expectAccessible(alpha.page);

  // --- Round 2: the agent closes round 1, revises the draft and publishes.
  await agent.page.goto(agent.page.url().replace(/\/synthese$/, ''));
  await confirmAction(agent.page, 'Clore le tour 1 maintenant', 'Clore le tour', 'ne pourront plus contribuer');
  await expect(agent.page.getByText('Tour 1 clos.')).toBeVisible();
  await agentView.tab('Rédiger le CCTP').click();
  await editor.expectLoaded();
  await editor.clause('1.1').getByLabel('Texte de la clause').fill('Douze onduleurs de 3 à 10 kVA sur deux sites, supervisés à distance.');
  // Leaving with unsaved edits asks first: a link of the app, or the tab itself.
  let asked = '';
  agent.page.once('dialog', (dialog) => {
    asked = dialog.message();
    void dialog.dismiss();
  });
  await agentView.tab('Journal').click();
  await expect.poll(() => asked).toContain('ne sont pas enregistrées');
  await editor.expectLoaded();
  await expect(editor.clause('1.1').getByLabel('Texte de la clause')).toHaveValue(/supervisés à distance/);
  const unloadRefused = await agent.page.evaluate(() => {
    const event = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(event);
    return event.defaultPrevented;
  });
  expect(unloadRefused).toBe(true);
  // Removing a section that holds clauses is confirmed.
  await editor.addSection('Section provisoire');
  await editor.addClause(3, '3.1', 'Brouillon', 'À supprimer.');
  await editor.section(3).getByRole('button', { name: 'Supprimer la section 3' }).click();
  const removal = agent.page.getByRole('dialog', { name: 'Supprimer la section 3 ?' });
  await expect(removal).toContainText('Sa clause est supprimée avec elle.');
  await removal.getByRole('button', { name: 'Supprimer', exact: true }).click();
  await expect(agent.page.locator('section.jsf-section-editor')).toHaveCount(2);
  // Weights short of 100 % are saved, but no round opens on them.
  await editor.criterion(1).getByLabel('Poids (%)').fill('35');
  await editor.save();
  await editor.publishRound(2, 'Supervision à distance ; prix pondéré à 35 %.');
  await expect(agent.page.getByText('La somme des poids doit être 100 % (actuellement 95 %).')).toBeVisible();
  await editor.criterion(2).getByLabel('Poids (%)').fill('65');
  await editor.save();
  await agent.page.getByRole('button', { name: 'Publier le tour 2…' }).click();
  await agent.page.getByRole('dialog').getByRole('button', { name: 'Confirmer la publication' }).click();
  await expect(agent.page.getByText(/Tour 2 ouvert jusqu'au/)).toBeVisible();
  // Both companies are told by e-mail, with a link to the consultation.
  for (const email of [alphaEmail, betaEmail]) {
    const opened = await waitForMail(email, 'Tour 2 ouvert');
    expect(link(opened, '/consultations/')).toMatch(/^\/consultations\/[0-9a-f-]{36}$/);
  }

  // --- The company sees what changed, and what became of its contributions.
  await alpha.page.reload();
  await expect(alpha.page.getByRole('heading', { name: 'Projet de CCTP — révision 2' })).toBeVisible();
  const equipment = alphaView.target('1.1 — Équipements');
  await expect(equipment.getByText('Modifié depuis la révision 1')).toBeVisible();
  await expect(alphaView.target('1.2 — Visites').getByText('Modifié depuis la révision 1')).toHaveCount(0);
  await expect(alpha.page.getByText('Ce qui change : Supervision à distance ; prix pondéré à 35 %.')).toBeVisible();
  const mine = alphaView.card(equipment, 'supervision à distance');
  await expect(mine).toContainText('La révision 2 a modifié ce passage.');
  await expectAccessible(alpha.page);
  await shot(alpha.page, 'entreprise-revision-2');
  // A contribution can be withdrawn while its round is open.
  const repair = alphaView.target('2.1 — Délai de dépannage');
  await alphaView.contribute(repair, {
    body: 'Un délai de 8 heures suffit la nuit.',
    justification: "Moins d'astreinte de nuit pour le même service.",
    cost: '↓ Baisse',
  });
  const second = alphaView.card(repair, '8 heures suffit');
  await expect(second).toContainText('Vous — Solution (tour 2)');
  await second.getByRole('button', { name: 'Retirer' }).click();
  await second.getByRole('button', { name: 'Confirmer le retrait' }).click();
  await expect(second.locator('.fr-badge', { hasText: 'Retirée' })).toBeVisible();
  await expect(second.getByRole('button', { name: 'Modifier' })).toHaveCount(0);
  // A withdrawn contribution no longer counts, as in the synthesis.
  await expect(repair.getByRole('heading', { level: 3 })).toContainText('aucune contribution');
  await mine.getByRole('link', { name: 'Voir les changements de la révision 2' }).click();
  await expect(alpha.page.getByRole('heading', { level: 1, name: 'Historique des révisions' })).toBeVisible();
  await expect(alpha.page.locator('ins').first()).toBeVisible();
  // The breadcrumb names the consultation; clauses have their titles; no empty heading.
  await expect(alpha.page.getByRole('navigation', { name: 'vous êtes ici :' })).toContainText(TITLE);
  await expect(alpha.page.getByText('1.1 — Équipements')).toBeVisible();
  await expect(alpha.page.getByRole('heading', { name: 'Critères' })).toBeVisible();
  await expect(alpha.page.getByText(BETA)).toHaveCount(0);
  await expectAccessible(alpha.page);

  await beta.page.reload();
  await expect(beta.page.getByRole('heading', { name: 'Projet de CCTP — révision 2' })).toBeVisible();
  await expect(beta.page.getByText(ALPHA)).toHaveCount(0);
  await betaView.tab('Journal').click();
  await expect(beta.page.getByText(/Révision 2 publiée le/)).toBeVisible();
  await expect(beta.page.getByText(ALPHA)).toHaveCount(0);
  await expectAccessible(beta.page);

  // --- The agent ends the dialogue and asks for publication.
  await confirmAction(agent.page, 'Clore le tour 2 maintenant', 'Clore le tour', 'ne pourront plus contribuer');
  // The detector found the price weighted as one company alone proposed:
  // the agent says why before asking.
  await expect(agent.page.locator('section.jsf-fairness').getByText("Pondération reprise d'une seule entreprise")).toBeVisible();
  await agentView.acknowledgeWarnings('Le poids du prix proposé au tour 1 correspond à la contrainte budgétaire du service.');
  await confirmAction(agent.page, 'Demander la publication', 'Confirmer la demande', 'validera le CCTP');
  await expect(agent.page.getByText('En attente de validation')).toBeVisible();
  await agentView.tab('Journal').click();
  await expect(agent.page.getByRole('cell', { name: 'Entreprise A' }).first()).toBeVisible();
  await expect(agent.page.getByRole('cell', { name: 'Consultation créée', exact: true })).toBeVisible();
  await expect(agent.page.getByText(/consultation_created|round_opened/)).toHaveCount(0);
  await expect(agent.page.getByText(ALPHA)).toHaveCount(0);
  await expectAccessible(agent.page);

  // --- The buyer finds it awaiting approval, reads it and approves.
  await logIn(buyer.page, 'acheteur@demo.jesaisfaire.fr', DEMO_PASSWORD);
  await expect(buyer.page.getByRole('combobox', { name: 'Afficher' })).toHaveValue('awaiting_approval');
  await expectAccessible(buyer.page);
  await shot(buyer.page, 'acheteur-a-valider');
  const buyerView = new ConsultationPage(buyer.page);
  await buyer.page.getByRole('link', { name: TITLE }).click();
  await expect(buyer.page.getByText('Confidentielle')).toBeVisible();
  await buyerView.tab('Synthèse').click();
  await expect(buyer.page.getByRole('img', { name: 'Contributions par passage, par type' })).toBeVisible();
  await expectAccessible(buyer.page);
  await buyerView.tab('Historique des révisions').click();
  await expect(buyer.page.getByRole('heading', { level: 1, name: 'Historique des révisions' })).toBeVisible();
  await expectAccessible(buyer.page);
  await buyerView.tab('Projet de CCTP').click();
  // The buyer sends it back with a comment on several lines…
  await buyer.page.getByLabel(/Commentaire/).fill('Préciser les sites.\nAjouter le rapport de visite.');
  await buyer.page.getByRole('button', { name: 'Demander des modifications' }).click();
  await expect(buyer.page.getByText('Vous avez demandé des modifications')).toBeVisible();

  // …the agent reads it on the consultation, revises the draft and asks again, without a new round.
  await agent.page.goto(agent.page.url().replace(/\/journal$/, ''));
  const sentBack = agent.page.locator('.jsf-multiline');
  await expect(sentBack).toHaveText('Préciser les sites.\nAjouter le rapport de visite.');
  await agentView.tab('Rédiger le CCTP').click();
  await editor.expectLoaded();
  await editor.clause('1.2').getByLabel('Texte de la clause').fill('Deux visites préventives par an sur chacun des deux sites, avec rapport de visite.');
  await editor.save();
  await agentView.tab('Projet de CCTP').click();
  await confirmAction(agent.page, 'Demander la publication', 'Confirmer la demande', 'sans nouveau tour de contributions');
  // Each request freezes its own final revision: 3 was sent back, 4 is the revised one.
  await expect(agent.page.getByText('Révision 4 soumise pour publication, sans tour de contributions.')).toBeVisible();
  await expectAccessible(agent.page);

  // The buyer reads what the final revision changes since the last round, then approves that revision.
  await buyer.page.reload();
  await buyer.page.getByText('Ce qui change depuis le tour 2').click();
  await expect(buyer.page.locator('details ins').filter({ hasText: 'rapport de visite' }).first()).toBeVisible();
  await buyer.page.getByLabel(/Commentaire/).fill('Conforme au besoin exprimé.');
  await confirmAction(buyer.page, 'Valider la révision 4', 'Confirmer la validation', 'figée définitivement');
  await expect(buyer.page.getByText('Publiée', { exact: true })).toBeVisible();
  // Companies read the final CCTP, with what changed since the round they last read.
  await betaView.tab('Projet de CCTP').click();
  await expect(beta.page.getByRole('heading', { name: 'CCTP — révision finale 4' })).toBeVisible();
  await beta.page.getByText('Ce qui change depuis le tour 2').click();
  await expect(beta.page.locator('details ins').filter({ hasText: 'rapport de visite' }).first()).toBeVisible();
  await expect(beta.page.getByRole('heading', { name: 'CCTP final à télécharger' })).toBeVisible();
  await expect(beta.page.getByRole('button', { name: /Compte rendu de sourçage/ })).toHaveCount(0);

  // --- The agent takes the approved CCTP and the sourcing record to the formal procedure.
  await agent.page.reload();
  await expect(agent.page.getByRole('heading', { name: 'Documents à télécharger' })).toBeVisible();
  const cctp = await downloadFrom(agent.page, 'CCTP, révision 4 — Word (.docx)');
  expect(cctp.name).toMatch(/^cctp-.*-v4\.docx$/);
  expect(cctp.bytes.subarray(0, 2).toString()).toBe('PK');
  const report = await downloadFrom(agent.page, 'Compte rendu de sourçage — Word (.docx)');
  expect(report.name).toMatch(/^compte-rendu-sourcing-.*\.docx$/);
  expect(report.bytes.length).toBeGreaterThan(2000);
  const table = await downloadFrom(agent.page, 'Contributions — tableur (.csv)');
  expect(table.bytes.toString('utf8')).toContain('Entreprise A');
  expect(table.bytes.toString('utf8')).not.toContain(ALPHA);
  // The printable view drops the site around the document on paper.
  await agent.page.getByRole('link', { name: /Version imprimable du CCTP/ }).click();
  await expect(agent.page.getByRole('heading', { level: 1, name: TITLE })).toBeVisible();
  await expect(agent.page.getByText('Version : Révision 4 — CCTP final validé')).toBeVisible();
  await expectAccessible(agent.page);
  await agent.page.emulateMedia({ media: 'print' });
  await expect(agent.page.getByRole('banner')).toBeHidden();
  await expect(agent.page.getByRole('button', { name: /Imprimer/ })).toBeHidden();
  await agent.page.emulateMedia({ media: 'screen' });
  await expect(buyer.page.getByText(ALPHA)).toHaveCount(0);

  // Everyone was notified along the way.
  await alpha.page.goto('/notifications');
  await expect(alpha.page.getByRole('main').getByText(/non lue/).first()).toBeVisible();
  await expect(alpha.page.getByText(/Le tour 2 de la consultation .* a été clos avant l'échéance/)).toBeVisible();
  await expect(alpha.page.getByText(/Le CCTP de la consultation .* est validé/)).toBeVisible();
  await expectAccessible(alpha.page);

  for (const p of [agent, alpha, beta, buyer]) {
    expect(p.errors).toEqual([]);
    await p.context.close();
  }
});
