import { Migration } from '@mikro-orm/migrations';

export class Migration20261209000100 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "product" add column "demper_memory" jsonb not null default '{}';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "product" drop column "demper_memory";`);
  }
}
