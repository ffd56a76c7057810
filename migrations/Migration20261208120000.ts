import { Migration } from '@mikro-orm/migrations';

export class Migration20261208120000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "store" add column "demper_filters" jsonb not null default '{}';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "store" drop column "demper_filters";`);
  }
}
