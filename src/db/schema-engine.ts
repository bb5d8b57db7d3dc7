import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';

export const projectRoot = resolve(import.meta.dirname, '..', '..');
export const schemaPath = join(projectRoot, 'prisma', 'schema.prisma');
export const migrationsDir = join(projectRoot, 'prisma', 'migrations');

type EngineModule = typeof import('@prisma/schema-engine-wasm');
let engineModule: Promise<EngineModule> | undefined;

// The package's ESM entry imports the .wasm file directly, which Node 20 refuses; instantiate it by hand instead.
function loadEngineModule(): Promise<EngineModule> {
  engineModule ??= (async () => {
    const require = createRequire(import.meta.url);
    const bgPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bindings = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as EngineModule & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void;
    };
    const wasmPath = join(bgPath, '..', 'schema_engine_bg.wasm');
    const module = await WebAssembly.compile(readFileSync(wasmPath));
    const instance = await WebAssembly.instantiate(module, {
      './schema_engine_bg.js': bindings as unknown as WebAssembly.ModuleImports,
    });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bindings;
  })();
  return engineModule;
}

export function readSchema(): string {
  return readFileSync(schemaPath, 'utf8');
}

export function readMigrations(dir = migrationsDir): MigrationList {
  const names = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];
  const lockPath = join(dir, 'migration_lock.toml');
  return {
    baseDir: dir,
    lockfile: {
      path: 'migration_lock.toml',
      content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null,
    },
    shadowDbInitScript: '',
    migrationDirectories: names.map((name) => {
      const file = join(dir, name, 'migration.sql');
      return {
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: existsSync(file)
            ? { tag: 'ok', value: readFileSync(file, 'utf8') }
            : { tag: 'error', value: `${file} is missing` },
        },
      };
    }),
  };
}

export const noFilters = { externalTables: [], externalEnums: [] };

export async function withSchemaEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  run: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const { SchemaEngine } = await loadEngineModule();
  const engine = await SchemaEngine.new(
    { datamodels: [[schemaPath, readSchema()]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  try {
    return await run(engine);
  } finally {
    engine.free();
  }
}

/** Applies every migration in prisma/migrations not yet recorded in `_prisma_migrations`. */
export async function applyMigrations(factory: SqlMigrationAwareDriverAdapterFactory): Promise<string[]> {
  return withSchemaEngine(factory, async (engine) => {
    const result = await engine.applyMigrations({ migrationsList: readMigrations(), filters: noFilters });
    return result.appliedMigrationNames;
  });
}

/**
 * The SQL that takes a database from the state of the migrations to the state of schema.prisma; empty when they
 * agree. Replays the migrations on a shadow database from the adapter.
 */
export async function pendingSchemaChanges(factory: SqlMigrationAwareDriverAdapterFactory): Promise<string> {
  return withSchemaEngine(factory, async (engine) => {
    const migrations = readMigrations();
    const from =
      migrations.migrationDirectories.length === 0
        ? ({ tag: 'empty' } as const)
        : ({ tag: 'migrations', ...migrations } as const);
    const result = await engine.diff({
      from,
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: readSchema() }] },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    return emptyDiff(result.stdout ?? '') ? '' : (result.stdout ?? '');
  });
}

function emptyDiff(script: string): boolean {
  return script
    .split('\n')
    .map((line) => line.trim())
    .every((line) => line === '' || line.startsWith('--'));
}
