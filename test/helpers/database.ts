import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A fresh database for one test file: a temporary SQLite file by default, or a new PostgreSQL / MariaDB
 * database when DATABASE_CLIENT says so (created here, dropped by `drop`). Connection settings come from
 * Strapi's standard variables; the defaults are the CI machines' (127.0.0.1, postgres / root, no password).
 */
export interface TestDatabase {
  client: 'sqlite' | 'postgres' | 'mysql';
  env: Record<string, string>;
  drop(): Promise<void>;
}

const uniqueName = () => `dmc_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;

export const createTestDatabase = async (): Promise<TestDatabase> => {
  const client = (process.env.DATABASE_CLIENT || 'sqlite') as TestDatabase['client'];

  if (client === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-db-'));
    return {
      client,
      env: { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: path.join(dir, 'data.db') },
      async drop() {
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }

  const name = uniqueName();
  const host = process.env.DATABASE_HOST || '127.0.0.1';

  if (client === 'postgres') {
    const { Client } = require('pg') as typeof import('pg');
    const settings = {
      host,
      port: Number(process.env.DATABASE_PORT || 5432),
      user: process.env.DATABASE_USERNAME || 'postgres',
      password: process.env.DATABASE_PASSWORD || undefined,
      database: 'postgres',
    };
    const admin = new Client(settings);
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    return {
      client,
      env: {
        DATABASE_CLIENT: 'postgres',
        DATABASE_HOST: host,
        DATABASE_PORT: String(settings.port),
        DATABASE_USERNAME: settings.user,
        DATABASE_PASSWORD: settings.password ?? '',
        DATABASE_NAME: name,
      },
      async drop() {
        const c = new Client(settings);
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await c.end();
      },
    };
  }

  if (client === 'mysql') {
    const mysql = require('mysql2/promise') as typeof import('mysql2/promise');
    const settings = {
      host,
      port: Number(process.env.DATABASE_PORT || 3306),
      user: process.env.DATABASE_USERNAME || 'root',
      password: process.env.DATABASE_PASSWORD || '',
    };
    const admin = await mysql.createConnection(settings);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    return {
      client,
      env: {
        DATABASE_CLIENT: 'mysql',
        DATABASE_HOST: host,
        DATABASE_PORT: String(settings.port),
        DATABASE_USERNAME: settings.user,
        DATABASE_PASSWORD: settings.password,
        DATABASE_NAME: name,
      },
      async drop() {
        const c = await mysql.createConnection(settings);
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await c.end();
      },
    };
  }

  throw new Error(`Unsupported DATABASE_CLIENT "${client}" (sqlite, postgres or mysql)`);
};
