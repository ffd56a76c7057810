import { Migration } from '@mikro-orm/migrations';

export class Migration20261125023538 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "product" add column "demper_options" jsonb not null default '{}', add column "demper_alerts" jsonb not null default '{}', add column "last_cut_at" timestamptz null, add column "rival_moved_at" timestamptz null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "product" drop column "demper_options", drop column "demper_alerts", drop column "last_cut_at", drop column "rival_moved_at";`,
    );
  }
}
