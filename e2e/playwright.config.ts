import { defineConfig } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';

// `just e2e` picks a free port and builds the server and the web app first.
const port = Number(process.env.E2E_PORT ?? 18181);
const baseURL = `http://127.0.0.1:${port}`;
const root = path.resolve(__dirname, '..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jesaisfaire-e2e-'));
const server = process.env.E2E_SERVER_BIN ?? path.join(root, 'target/debug/jesaisfaire-api');

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  timeout: 60_000,
  use: {
    baseURL,
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    },
  },
  webServer: {
    command: `${server} serve`,
    cwd: root,
    url: `${baseURL}/api/v1/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    env: {
      DATABASE_URL: `sqlite://${dataDir}/e2e.db?mode=rwc`,
      JESAISFAIRE_ADDR: `127.0.0.1:${port}`,
      JESAISFAIRE_STATIC_DIR: path.join(root, 'crates/frontend/dist'),
      JESAISFAIRE_DEMO_DATA: 'true',
      RUST_LOG: 'warn',
    },
  },
});
