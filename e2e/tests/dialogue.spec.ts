// These scenarios share one server and its demo data, and run in file order:
// the last one closes the demo's round and publishes the consultation.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, confirmAction, downloadFrom, expectAccessible, watchPageErrors } from '../pages/app';
import { ConsultationPage } from '../pages/consultation';
import { DraftEditor } from '../pages/editor';
import { LoginPage } from '../pages/login';

const TITLE = 'Maintenance du parc informatique de la préfecture du Rhône';

test('a company reads the current revision and contributes on a clause', async ({ page }) => {
  const errors = watchPageErrors(page);
  await page.goto('/connexion?next=/consultations');
  await new LoginPage(page).logIn('entreprise@demo.jesaisfaire.fr', DEMO_PASSWORD);

  await expect(page.getByRole('heading', { level: 1, name: 'Consultations' })).toBeVisible();
  await expect(page.getByText(/Tour 2 ouvert jusqu'au .* \(dans \d+ jours\)/)).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('link', { name: TITLE }).click();
  await expect(page.getByRole('heading', { level: 1, name: TITLE })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Projet de CCTP — révision 2' })).toBeVisible();
  // The public answer to a clarification is visible to every company.
  await expect(page.getByText('Oui : un local de 10 m² est disponible sur chaque site.')).toBeVisible();
  // Other companies appear only under a pseudonym.
  await expect(page.getByText('Lyon Maintenance Services')).toHaveCount(0);
  await expect(page.getByText(/Entreprise B — Solution \(tour 2\)/)).toBeVisible();
  await expectAccessible(page);

  const clause = page.locator('section.jsf-target').filter({ hasText: '2.2 — Astreinte' });
  await clause.getByRole('button', { name: 'Contribuer sur cette clause' }).click();
  // The anonymity guard speaks while the company types, before anything is sent.
  await clause.getByLabel('Votre contribution').fill("L'ATELIER NUMERIQUE DU RHONE le fait déjà : 04 78 00 00 00.");
  await expect(clause.getByText('« ATELIER NUMERIQUE DU RHONE » ressemble au nom de votre entreprise', { exact: false })).toBeVisible();
  await expect(clause.getByText('« 04 78 00 00 00 » ressemble à un numéro de téléphone', { exact: false })).toBeVisible();
  await expectAccessible(page);
  await clause.getByLabel('Votre contribution').fill('Astreinte mutualisée avec un autre marché local.');
  await expect(clause.getByText(/ressemble à/)).toHaveCount(0);
  await clause.getByRole('button', { name: 'Envoyer ma contribution' }).click();
  await expect(clause.getByText('Ce champ est obligatoire.')).toBeVisible();
  await expect(clause.getByLabel('Votre contribution')).toHaveValue('Astreinte mutualisée avec un autre marché local.');
  await expectAccessible(page);

  await clause.getByLabel(/Justification/).fill('Réduit le coût de l\'astreinte du samedi.');
  await clause.locator('label', { hasText: '↓ Baisse' }).click();
  await clause.getByRole('button', { name: 'Envoyer ma contribution' }).click();
  await expect(clause.getByText(/Vous — Solution \(tour 2\)/)).toBeVisible();
  await expect(clause.getByText('1 contribution', { exact: true })).toBeVisible();
  expect(errors).toEqual([]);
});

/** The anonymity guard's table, shared with the shared crate's unit tests. */
const DISCLOSURES: {
  author: { company_name: string };
  caught: { text: string; found: string }[];
  ordinary: string[];
} = JSON.parse(fs.readFileSync(path.join(__dirname, '../../crates/shared/src/disclosure_table.json'), 'utf8'));

test('the web app (wasm) catches every identifying text of the table and raises no false alarm', async ({ page }) => {
  const errors = watchPageErrors(page);
  await page.goto('/connexion?next=/consultations');
  // The table's author is this demo company.
  await new LoginPage(page).logIn('entreprise@demo.jesaisfaire.fr', DEMO_PASSWORD);
  await page.getByRole('link', { name: TITLE }).click();
  const clause = page.locator('section.jsf-target').filter({ hasText: '2.2 — Astreinte' });
  await clause.getByRole('button', { name: 'Contribuer sur cette clause' }).click();
  const body = clause.getByLabel('Votre contribution');
  const message = clause.locator('[id$="-body-messages"]');
  const missed: string[] = [];
  for (const { text, found } of DISCLOSURES.caught) {
    await body.fill(text);
    if (!((await message.textContent()) ?? '').includes(`« ${found} »`)) missed.push(text);
  }
  const alarms: string[] = [];
  for (const text of DISCLOSURES.ordinary) {
    await body.fill(text);
    if (((await message.textContent()) ?? '').includes('ressemble')) alarms.push(text);
  }
  expect({ missed, alarms }).toEqual({ missed: [], alarms: [] });
  expect(DISCLOSURES.caught.length).toBeGreaterThanOrEqual(40);
  expect(DISCLOSURES.ordinary.length).toBeGreaterThanOrEqual(20);
  expect(errors).toEqual([]);
});

test('an agent sees its consultations with their deadlines', async ({ page }) => {
  const errors = watchPageErrors(page);
  await page.goto('/connexion?next=/consultations');
  await new LoginPage(page).logIn('agent@demo.jesaisfaire.fr', DEMO_PASSWORD);
  await expect(page.getByRole('link', { name: TITLE })).toBeVisible();
  await expect(page.locator('.fr-badge', { hasText: 'Dialogue en cours' })).toBeVisible();
  // The work awaiting the agent, on the card.
  const card = page.locator('.fr-card', { hasText: TITLE });
  await expect(card.locator('.fr-badge', { hasText: /^\d+ contributions$/ })).toBeVisible();
  await expect(card.locator('.fr-badge', { hasText: /^\d+ à traiter$/ })).toBeVisible();
  // Searching titles and presentations.
  await page.getByLabel('Rechercher dans les titres et présentations').fill('onduleurs');
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await expect(page.getByText('Aucune consultation ne correspond.')).toBeVisible();
  await page.getByLabel('Rechercher dans les titres et présentations').fill('parc informatique');
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await expect(page.getByRole('link', { name: TITLE })).toBeVisible();
  await page.setViewportSize({ width: 375, height: 800 });
  await expectAccessible(page);
  expect(errors).toEqual([]);
});

test('the agent answers a contribution and records a decision with its rationale', async ({ page }) => {
  const errors = watchPageErrors(page);
  await page.goto('/connexion?next=/consultations');
  await new LoginPage(page).logIn('agent@demo.jesaisfaire.fr', DEMO_PASSWORD);
  await page.getByRole('link', { name: TITLE }).click();
  const card = page.locator('article.jsf-contribution').filter({ hasText: 'Nous pouvons garantir 4 heures' });
  await expect(card.getByText(/Entreprise B — Solution \(tour 2\)/)).toBeVisible();
  await expectAccessible(page);

  const view = new ConsultationPage(page);
  // The forms open on demand: a long list stays a list to read.
  await expect(card.getByLabel('Motif de la décision')).toHaveCount(0);
  // What awaits a decision is listed; the compact view folds contributions under their passage.
  await expect(page.getByRole('heading', { name: /^À traiter : \d+ contributions? sans décision$/ })).toBeVisible();
  await page.locator('label[for=compact-view]').click();
  await expect(page.locator('article.jsf-contribution')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Afficher (la contribution|les \d+ contributions)/ }).first()).toBeVisible();
  await expectAccessible(page);
  await page.locator('.jsf-to-do').getByRole('link', { name: /Nous pouvons garantir 4 heures/ }).click();
  await expect(card).toBeVisible();
  await view.answer(card, 'Merci : pouvez-vous préciser la zone couverte ?');
  await view.answerPrivately(card, 'Le technicien peut-il être présent le samedi matin ?');
  await expectAccessible(page);

  await card.getByRole('button', { name: 'Décider' }).click();
  await card.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await expect(card.getByText('Ce champ est obligatoire.')).toBeVisible();
  await card.getByLabel('Décision', { exact: true }).selectOption('partially_accepted');
  await card.getByLabel('Motif de la décision').fill('Retenue pour les postes critiques seulement.');
  // Recorded during round 2, for the revision that does not exist yet.
  await card.locator('label', { hasText: 'À intégrer à la révision 3' }).click();
  await card.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await expect(card.locator('.fr-badge', { hasText: 'Retenue en partie' })).toBeVisible();
  await expect(card.getByText('Retenue pour les postes critiques seulement. (intégrée à la révision 3)')).toBeVisible();
  // Changing it starts from the saved decision, never from a default.
  await card.getByRole('button', { name: 'Modifier la décision' }).click();
  await expect(card.getByLabel('Décision', { exact: true })).toHaveValue('partially_accepted');
  await expect(card.getByLabel('Motif de la décision')).toHaveValue('Retenue pour les postes critiques seulement.');
  await expectAccessible(page);
  await card.getByRole('button', { name: 'Annuler' }).click();
  await expect(card.getByLabel('Motif de la décision')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('the agent is told of late information and pushes the deadline back, and sees where the wording came from', async ({ page }) => {
  const errors = watchPageErrors(page);
  await page.goto('/connexion?next=/consultations');
  await new LoginPage(page).logIn('agent@demo.jesaisfaire.fr', DEMO_PASSWORD);
  await page.getByRole('link', { name: TITLE }).click();
  const view = new ConsultationPage(page);
  // The demo's notice came five days before the deadline: late.
  await expect(page.getByRole('heading', { name: 'Information tardive' })).toBeVisible();
  const notices = page.locator('section', { has: page.getByRole('heading', { name: 'Informations à toutes les entreprises' }) });
  await expect(notices.getByText('Le parc compte désormais 420 postes')).toBeVisible();
  await notices.getByText('Publier une information à toutes les entreprises').click();
  await notices.getByLabel(/^Information/).fill('Les deux sites sont accessibles de 7 h à 19 h.');
  await notices.getByLabel('Clause concernée (facultatif)').selectOption({ label: '1.2 — Sites' });
  await notices.getByRole('button', { name: "Publier l'information" }).click();
  await expect(notices.getByText('Les deux sites sont accessibles de 7 h à 19 h.')).toBeVisible();
  // Late in round 2: the demo's notice, the public answer of the test
  // before, and this notice. (Until the page reloads, it said 2.)
  await expect(page.getByText(/3 informations publiques ont été données moins de 6 jours avant l'échéance du tour 2/)).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: /^Reporter l'échéance au / }).click();
  await expect(page.getByRole('heading', { name: 'Information tardive' })).toHaveCount(0);

  // Provenance, for staff: on the contribution taken over, and in the history.
  const alternative = page.locator('article.jsf-contribution').filter({ hasText: 'Un délai de 8 heures ouvrées suffit' });
  await expect(alternative.getByText('Reprise par la révision 2, clause 2.1, à 100 %')).toBeVisible();
  await view.tab('Historique des révisions').click();
  await expect(page.getByText("reprend la proposition d'Entreprise B (tour 1) à 100 %")).toBeVisible();
  await expectAccessible(page);

  // The editor flags a brand named without « ou équivalent » as it is typed.
  await view.tab('Rédiger le CCTP').click();
  const editor = new DraftEditor(page);
  await editor.expectLoaded();
  const text = editor.clause('2.2').getByLabel('Texte de la clause');
  const saved = await text.inputValue();
  await text.fill('Les postes sont de marque Fenix® exclusivement.');
  await expect(page.locator('.jsf-brand-warning')).toContainText('« marque Fenix® » cite une marque');
  await expectAccessible(page);
  await text.fill(`${saved} Fenix® ou équivalent.`);
  await expect(page.locator('.jsf-brand-warning')).toHaveCount(0);
  await text.fill(saved);
  expect(errors).toEqual([]);
});

test('the agent edits the description of a consultation, and abandons another after confirming', async ({ page }) => {
  const errors = watchPageErrors(page);
  await page.goto('/connexion');
  await new LoginPage(page).logIn('agent@demo.jesaisfaire.fr', DEMO_PASSWORD);
  await page.getByRole('link', { name: TITLE }).click();
  await page.getByRole('button', { name: 'Modifier la description' }).click();
  await page.getByLabel('Présentation du besoin').fill('Maintenance de 400 postes sur trois sites du Rhône.');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await expect(page.getByText('Maintenance de 400 postes sur trois sites du Rhône.')).toBeVisible();

  await page.goto('/consultations/nouvelle');
  await page.getByLabel('Intitulé').fill('Consultation à abandonner');
  await page.getByLabel(/Code CPV/).fill('72000000-5');
  await page.getByLabel("Département d'exécution").selectOption('69');
  await page.getByLabel(/Acheteur de la PFRA/).selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Créer et rédiger le CCTP' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Rédiger le CCTP' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Vues de la consultation' }).getByRole('link', { name: 'Projet de CCTP' }).click();
  await confirmAction(page, 'Abandonner la consultation', 'Abandonner définitivement', 'ne peut pas être reprise');
  await expect(page.locator('.fr-badge', { hasText: 'Abandonnée' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Modifier la description' })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('the agent closes the round and asks for publication; the PFRA buyer approves it', async ({ page }) => {
  const errors = watchPageErrors(page);
  await page.goto('/connexion?next=/consultations');
  await new LoginPage(page).logIn('agent@demo.jesaisfaire.fr', DEMO_PASSWORD);
  await page.getByRole('link', { name: TITLE }).click();
  await confirmAction(page, 'Clore le tour 2 maintenant', 'Clore le tour', 'ne pourront plus contribuer');
  await expect(page.getByText('Tour 2 clos.')).toBeVisible();
  await expect(page.getByText('Entre deux tours')).toBeVisible();
  // The detector's warnings are acknowledged before the request.
  const fairness = page.locator('section.jsf-fairness');
  await expect(fairness.getByText(/Nexora/).first()).toBeVisible();
  await new ConsultationPage(page).acknowledgeWarnings('La console est citée pour décrire la supervision attendue ; la pondération suit la doctrine régionale.');
  await expectAccessible(page);
  await confirmAction(page, 'Demander la publication', 'Confirmer la demande', 'validera le CCTP');
  await expect(page.getByText('En attente de validation')).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('banner').getByRole('button', { name: 'Se déconnecter', exact: true }).click();
  await expect(page.getByText('Vous êtes déconnecté')).toBeVisible();

  await page.goto('/connexion?next=/consultations');
  await new LoginPage(page).logIn('acheteur@demo.jesaisfaire.fr', DEMO_PASSWORD);
  await page.getByRole('link', { name: TITLE }).click();
  // At approval the buyer reads what every company was told, what one was
  // told alone, and the detector's warnings with the agent's comment.
  const summary = page.locator('section.jsf-fairness');
  await expect(summary.getByRole('heading', { name: "Égalité d'information" })).toBeVisible();
  await expect(summary.getByText(/\d réponses? à l'auteur seulement/)).toBeVisible();
  await expect(summary.getByText('Le poids du prix sera arbitré avec le service financier avant le tour 2.')).toBeVisible();
  await expect(summary.getByText(/Nexora/).first()).toBeVisible();
  await expect(summary.getByText(/Examen de l'agent/)).toBeVisible();
  await page.getByRole('button', { name: 'Demander des modifications' }).click();
  await expect(page.locator('#publication-comment-messages')).toContainText('obligatoire');
  await expectAccessible(page);
  // The buyer approves the final revision frozen by the request, by its number.
  await confirmAction(page, 'Valider la révision 3', 'Confirmer la validation', 'La révision 3 devient le CCTP final');
  await expect(page.getByText('Publiée', { exact: true })).toBeVisible();
  await expect(page.getByText('La révision 3 a été validée')).toBeVisible();
  await expectAccessible(page);
  // The demo's whole output, downloaded by the buyer: the final CCTP in three formats,
  // the sourcing report, the contributions table and the open-data file.
  for (const [button, name] of [
    ['CCTP, révision 3 — Word (.docx)', /^cctp-maintenance-.*-v3\.docx$/],
    ['CCTP, révision 3 — OpenDocument (.odt)', /^cctp-maintenance-.*-v3\.odt$/],
    ['CCTP, révision 3 — Markdown (.md)', /^cctp-maintenance-.*-v3\.md$/],
    ['Compte rendu de sourçage — Word (.docx)', /^compte-rendu-sourcing-maintenance-.*\.docx$/],
    ['Contributions — tableur (.csv)', /^contributions-maintenance-.*\.csv$/],
    ['Données ouvertes — OCDS (.json)', /^ocds-maintenance-.*\.json$/],
  ] as const) {
    const file = await downloadFrom(page, button);
    expect(file.name).toMatch(name);
    expect(file.bytes.length).toBeGreaterThan(500);
  }
  expect(errors).toEqual([]);
});

test('everyone can see what changed between two revisions, marked in the text', async ({ page }) => {
  const errors = watchPageErrors(page);
  await page.goto('/connexion?next=/consultations');
  await new LoginPage(page).logIn('entreprise2@demo.jesaisfaire.fr', DEMO_PASSWORD);
  await page.getByRole('link', { name: TITLE }).click();
  await page.getByRole('navigation', { name: 'Vues de la consultation' }).getByRole('link', { name: 'Historique des révisions' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Historique des révisions' })).toBeVisible();
  // Revision 3, the final one submitted earlier, repeats revision 2: compare rounds 1 and 2.
  await page.getByLabel('Comparer la révision').selectOption('1');
  await page.getByLabel('avec la révision').selectOption('2');
  const delay = page.locator('li').filter({ hasText: "Délai d'intervention" }).or(page.locator('li').filter({ hasText: '2.1' })).first();
  await expect(delay.getByText('Modification')).toBeVisible();
  await expect(delay.locator('ins')).toContainText(['postes critiques']);
  await expect(delay.locator('del')).toHaveCount(1);
  await expectAccessible(page);
  await page.getByLabel('Comparer la révision').selectOption('2');
  await expect(page.getByText('Aucune différence entre ces deux révisions.')).toBeVisible();
  expect(errors).toEqual([]);
});
