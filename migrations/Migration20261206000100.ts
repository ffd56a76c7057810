import { Migration } from '@mikro-orm/migrations';

export class Migration20261206000100 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "product" add column "city_overrides" jsonb not null default '{}', add column "city_states" jsonb not null default '{}';`,
    );
    this.addSql(`alter table "price_change" add column "city_id" varchar(16) null;`);
    this.addSql(
      `create index "price_change_product_id_city_id_id_index" on "price_change" ("product_id", "city_id", "id");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "price_change_product_id_city_id_id_index";`);
    this.addSql(`alter table "price_change" drop column "city_id";`);
    this.addSql(`alter table "product" drop column "city_overrides", drop column "city_states";`);
  }
}
