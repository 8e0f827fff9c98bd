import fs from "node:fs";
import path from "node:path";
import { get_dmmf } from "@prisma/prisma-schema-wasm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The SQL migrations are written by hand (prisma migrate cannot run here), so this test
// holds them to schema.prisma: every model's table and column, with type and nullability,
// every enum's values, and nothing extra in the database.

const scalarTypes: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Boolean: "boolean",
  DateTime: "timestamp with time zone",
  Json: "jsonb",
  Float: "double precision",
};

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "enum" | "object";
  type: string;
  isRequired: boolean;
  isUnique: boolean;
  isId: boolean;
  nativeType?: [string, string[]] | null;
}
interface Dmmf {
  datamodel: {
    models: { name: string; dbName: string | null; fields: DmmfField[]; uniqueFields: string[][] }[];
    enums: { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }[];
  };
}

// The schema engine's own parser (wasm, no download) reads schema.prisma into its DMMF.
const schemaText = fs.readFileSync(path.resolve(__dirname, "../../prisma/schema.prisma"), "utf8");
const { datamodel } = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: schemaText }))) as Dmmf;

function expectedType(field: DmmfField): string {
  if (field.kind === "enum") return `enum:${field.type}`;
  const native = field.nativeType?.[0];
  if (native === "Uuid") return "uuid";
  if (native === "Timestamptz") return "timestamp with time zone";
  const type = scalarTypes[field.type];
  if (!type) throw new Error(`drift test does not know Prisma type ${field.type}`);
  return type;
}

let client: pg.Client;

beforeAll(async () => {
  client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
});
afterAll(() => client.end());

describe("catalog migrations match schema.prisma", () => {
  it("has every model's columns with the same type and nullability, and no others", async () => {
    const { rows } = await client.query<{
      table_name: string;
      column_name: string;
      data_type: string;
      udt_name: string;
      is_nullable: string;
    }>(
      `select table_name, column_name, data_type, udt_name, is_nullable from information_schema.columns where table_schema = 'public'`,
    );
    const actual = new Map(
      rows.map((row) => [
        `${row.table_name}.${row.column_name}`,
        {
          type: row.data_type === "USER-DEFINED" ? `enum:${row.udt_name}` : row.data_type,
          nullable: row.is_nullable === "YES",
        },
      ]),
    );
    const expected = new Map<string, { type: string; nullable: boolean }>();
    for (const model of datamodel.models) {
      const table = model.dbName ?? model.name;
      for (const field of model.fields) {
        if (field.kind === "object") continue;
        expected.set(`${table}.${field.dbName ?? field.name}`, {
          type: expectedType(field),
          nullable: !field.isRequired,
        });
      }
    }
    const migrationTables = new Set(["walden_migrations"]);
    const actualModelColumns = new Map(
      [...actual].filter(([key]) => !migrationTables.has(key.split(".")[0]!)),
    );
    expect(Object.fromEntries(actualModelColumns)).toEqual(Object.fromEntries(expected));
  });

  it("has the same enum values", async () => {
    const { rows } = await client.query<{ name: string; values: string[] }>(
      `select t.typname as name, array_agg(e.enumlabel order by e.enumsortorder)::text[] as values
       from pg_type t join pg_enum e on e.enumtypid = t.oid join pg_namespace n on n.oid = t.typnamespace
       where n.nspname = 'public' group by t.typname`,
    );
    const actual = Object.fromEntries(rows.map((row) => [row.name, row.values]));
    const expected = Object.fromEntries(
      datamodel.enums.map((item) => [
        item.dbName ?? item.name,
        item.values.map((value) => value.dbName ?? value.name),
      ]),
    );
    expect(actual).toEqual(expected);
  });

  it("has a unique index for every @unique and @@unique", async () => {
    const { rows } = await client.query<{ table: string; columns: string[] }>(
      `select t.relname as table, array_agg(a.attname order by k.ord)::text[] as columns
       from pg_index i join pg_class t on t.oid = i.indrelid join pg_namespace n on n.oid = t.relnamespace
       cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
       join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
       where n.nspname = 'public' and i.indisunique group by t.relname, i.indexrelid`,
    );
    const actual = new Set(rows.map((row) => `${row.table}(${row.columns.join(",")})`));
    for (const model of datamodel.models) {
      const table = model.dbName ?? model.name;
      const column = (name: string) => model.fields.find((field) => field.name === name)?.dbName ?? name;
      const uniques = [
        ...model.fields.filter((field) => field.isUnique || field.isId).map((field) => [field.name]),
        ...model.uniqueFields,
      ];
      for (const fields of uniques) expect(actual).toContain(`${table}(${fields.map(column).join(",")})`);
    }
  });
});
