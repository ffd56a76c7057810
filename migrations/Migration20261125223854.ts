import { Migration } from '@mikro-orm/migrations';

export class Migration20261125223854 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "price_change" add column "reason_details" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "price_change" drop column "reason_details";`);
  }
}
