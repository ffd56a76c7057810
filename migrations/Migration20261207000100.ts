import { Migration } from '@mikro-orm/migrations';

export class Migration20261207000100 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "store" add column "relogin_asked_at" timestamptz null, add column "renewal_tries" jsonb not null default '[]', add column "renewal_blocked" varchar(32) null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "store" drop column "relogin_asked_at", drop column "renewal_tries", drop column "renewal_blocked";`,
    );
  }
}
