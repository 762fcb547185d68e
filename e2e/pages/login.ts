import { expect, Page } from '@playwright/test';

export class LoginPage {
  constructor(private readonly page: Page) {}

  async logIn(email: string, password: string) {
    await expect(this.page.getByRole('heading', { level: 1, name: 'Connexion à JeSaisFaire' })).toBeVisible();
    await this.page.getByLabel(/Adresse e-mail/).fill(email);
    await this.page.getByLabel('Mot de passe').fill(password);
    await this.page.getByRole('button', { name: 'Se connecter' }).click();
  }
}
