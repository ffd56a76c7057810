import { Migration } from '@mikro-orm/migrations';

/**
 * The demper's due scan gets an index it can walk in order and stop at its limit (partial: only products the
 * demper may look at); the two-column index it replaces made the scan read and sort every product.
 */
export class Migration20261212000500 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index if exists "product_demper_enabled_next_check_at_index";`);
    this.addSql(
      `create index "product_due_index" on "product" (coalesce("next_check_at", '-infinity'::timestamptz), "id") where "demper_enabled" and "min_price" is not null and "removed_at" is null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "product_due_index";`);
    this.addSql(
      `create index "product_demper_enabled_next_check_at_index" on "product" ("demper_enabled", "next_check_at");`,
    );
  }
}
