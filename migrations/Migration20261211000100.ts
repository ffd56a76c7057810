import { Migration } from '@mikro-orm/migrations';

/** A follow-up for a preorder price-list file (`preorder-file`): Kaspi's processing of it is followed durably. */
export class Migration20261211000100 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "follow_up" drop constraint if exists "follow_up_kind_check";`);
    this.addSql(
      `alter table "follow_up" add constraint "follow_up_kind_check" check ("kind" in ('price', 'availability', 'preorders', 'preorder-file'));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`delete from "follow_up" where "kind" = 'preorder-file';`);
    this.addSql(`alter table "follow_up" drop constraint if exists "follow_up_kind_check";`);
    this.addSql(
      `alter table "follow_up" add constraint "follow_up_kind_check" check ("kind" in ('price', 'availability', 'preorders'));`,
    );
  }
}
